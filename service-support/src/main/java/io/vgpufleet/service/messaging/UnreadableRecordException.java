package io.vgpufleet.service.messaging;

/** A consumed record that cannot be read; its message is the reason the dead letter carries. */
public class UnreadableRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnreadableRecordException(String reason) {
        super(reason);
    }

    public UnreadableRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
