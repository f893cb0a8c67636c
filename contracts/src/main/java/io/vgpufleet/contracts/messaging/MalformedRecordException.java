package io.vgpufleet.contracts.messaging;

/**
 * A record that cannot be read: missing or unknown CloudEvents headers, a payload that is not JSON,
 * or JSON that does not make a valid record. The message is the reason a dead letter carries.
 */
public class MalformedRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String reason) {
        super(reason);
    }

    public MalformedRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
