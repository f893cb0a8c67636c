package io.vgpufleet.contracts.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes contract records: idempotent producer, {@code acks=all}, the record built by the
 * {@link EventCodec}. Thread-safe; close it once.
 */
public final class EventPublisher implements AutoCloseable {

    /**
     * Told of every record the broker took, with its topic and {@code ce_type}: how components count the
     * records they produce (metrics) without this framework-free module knowing a metrics library.
     * Called on the producer's I/O thread: it must be quick and must not throw.
     */
    @FunctionalInterface
    public interface SentListener {
        void sent(String topic, String ceType);
    }

    private final Producer<String, byte[]> producer;
    private final EventCodec codec;
    private final SentListener listener;

    public EventPublisher(Producer<String, byte[]> producer, EventCodec codec) {
        this(producer, codec, (topic, ceType) -> {});
    }

    public EventPublisher(Producer<String, byte[]> producer, EventCodec codec, SentListener listener) {
        this.producer = producer;
        this.codec = codec;
        this.listener = listener;
    }

    /** The Kafka producer underneath, for binding its client metrics; do not send or close through it. */
    public Producer<String, byte[]> producer() {
        return producer;
    }

    /** A producer with the settings every component uses, plus {@code overrides} (e.g. security settings). */
    public static Producer<String, byte[]> producer(String bootstrapServers, String clientId, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(2).toMillis());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /** Sends a registered record to its topic under its key; the future completes when the broker has it. */
    public CompletableFuture<RecordMetadata> publish(Object payload) {
        return send(codec.record(payload), EventTypes.of(payload.getClass()).ceType());
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record, String ceType) {
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        producer.send(record, (metadata, exception) -> {
            if (exception != null) {
                sent.completeExceptionally(exception);
            } else {
                listener.sent(record.topic(), ceType);
                sent.complete(metadata);
            }
        });
        return sent;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
