package io.vgpufleet.service.messaging;

import io.vgpufleet.contracts.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;

/**
 * Logs what a binding's consumer failed on, in place of Spring Integration's default error logger (which
 * writes the whole stack trace of every failure at ERROR): a record that could not be read
 * ({@link UnreadableRecordException}) is one WARN line with its topic, partition, offset and reason, since the
 * record and the reason are kept on the dead-letter topic anyway, and a flood of hostile records must not
 * fill the disk with stack traces (10,000 malformed records wrote hundreds of MiB per service). Any other
 * failure is still logged at ERROR with its stack trace.
 */
final class ConsumerErrorLog implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(ConsumerErrorLog.class);

    @Override
    public void handleMessage(Message<?> message) {
        if (!(message.getPayload() instanceof Throwable failure)) {
            log.error("consumer error without an exception: {}", message);
            return;
        }
        UnreadableRecordException unreadable = unreadable(failure);
        String where = where(message, failure);
        if (unreadable != null) {
            log.warn("dead-lettered unreadable record {}: {}", where, Checks.printable(String.valueOf(unreadable.getMessage()), 240));
        } else {
            log.error("consumer failed on record {}", where, failure);
        }
    }

    static UnreadableRecordException unreadable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnreadableRecordException unreadable) {
                return unreadable;
            }
        }
        return null;
    }

    /** {@code <topic>-<partition>@<offset>} of the record that failed, where the message says. */
    static String where(Message<?> message, Throwable failure) {
        Message<?> failed = null;
        if (failure instanceof MessagingException messaging) {
            failed = messaging.getFailedMessage();
        }
        if (failed == null && message instanceof ErrorMessage error) {
            failed = error.getOriginalMessage();
        }
        if (failed == null) {
            return "(unknown)";
        }
        MessageHeaders headers = failed.getHeaders();
        return text(headers.get(KafkaHeaders.RECEIVED_TOPIC)) + "-"
                + text(headers.get(KafkaHeaders.RECEIVED_PARTITION)) + "@"
                + text(headers.get(KafkaHeaders.OFFSET));
    }

    private static String text(Object value) {
        return value == null ? "?" : Checks.printable(String.valueOf(value));
    }
}
