package io.vgpufleet.service.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.Envelope;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * Reads a consumed record into its contract record. A record that cannot be read raises
 * {@link UnreadableRecordException} with the reason; the binding is configured with
 * {@code maxAttempts: 1} and {@code enableDlq: true}, so the binder copies it at once to the topic's
 * {@code .dlq} topic with the reason in the {@code x-exception-message} header and the consumer goes
 * on with the next record.
 *
 * <pre>{@code
 * @Bean
 * Consumer<Message<byte[]>> hostSnapshots(InboundRecords inbound, FleetView fleet) {
 *     return message -> fleet.apply(inbound.read(message, HostSnapshot.class));
 * }
 * }</pre>
 */
public final class InboundRecords {

    private final EventCodec codec;
    private final MeterRegistry meters;

    InboundRecords(EventCodec codec, MeterRegistry meters) {
        this.codec = codec;
        this.meters = meters;
    }

    /** Decodes any record registered for the topic the message came from. */
    public Envelope<?> read(Message<byte[]> message) {
        String topic = EventCodec.headerText(message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC));
        if (topic == null) {
            throw new IllegalStateException("message did not come from a Kafka binding: no received topic");
        }
        try {
            Envelope<?> envelope = codec.decode(topic, name -> header(message, name), message.getPayload());
            consumed(topic, envelope.type().ceType()).increment();
            return envelope;
        } catch (MalformedRecordException e) {
            deadLettered(topic).increment();
            throw new UnreadableRecordException(e.getMessage(), e);
        }
    }

    /**
     * A header as the producer named it or, for CloudEvents attributes, as Spring Cloud Function
     * renames them before the function sees them ({@code ce_id} arrives as {@code ce-id}).
     */
    private static String header(Message<byte[]> message, String name) {
        Object value = message.getHeaders().get(name);
        if (value == null && name.startsWith("ce_")) {
            value = message.getHeaders().get("ce-" + name.substring(3));
        }
        return EventCodec.headerText(value);
    }

    /** Decodes a record that must be of one type; any other type on the topic is unreadable here. */
    public <T> T read(Message<byte[]> message, Class<T> type) {
        Envelope<?> envelope = read(message);
        if (!type.isInstance(envelope.payload())) {
            throw new UnreadableRecordException("expected " + type.getSimpleName() + " but the record is "
                    + envelope.type().ceType());
        }
        return type.cast(envelope.payload());
    }

    private Counter consumed(String topic, String ceType) {
        return meters.counter(ServiceMetrics.RECORDS_CONSUMED, "topic", topic, "type", ceType);
    }

    private Counter deadLettered(String topic) {
        return meters.counter(ServiceMetrics.RECORDS_DEAD_LETTERED, "topic", topic);
    }
}
