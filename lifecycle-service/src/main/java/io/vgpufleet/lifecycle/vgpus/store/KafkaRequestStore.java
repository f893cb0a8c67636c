package io.vgpufleet.lifecycle.vgpus.store;

import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.messaging.Envelope;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.lifecycle.vgpus.RequestStore;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests kept on the compacted topic {@code vgpu.lifecycle.vgpu-requests.v1} (ADR 0004): {@link #save}
 * publishes the whole request under its id and waits for the broker's acknowledgement ({@code acks=all});
 * {@link #load} reads the topic from its beginning to the end offsets it had when the read began, keeping
 * the latest record per request. A record that cannot be read is logged and skipped (it cannot be a
 * request this service wrote, as every request is validated before it is saved).
 */
public final class KafkaRequestStore implements RequestStore {

    private static final Logger log = LoggerFactory.getLogger(KafkaRequestStore.class);
    private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

    private final EventPublisher publisher;
    private final EventCodec codec;
    private final String bootstrapServers;

    public KafkaRequestStore(EventPublisher publisher, EventCodec codec, String bootstrapServers) {
        this.publisher = publisher;
        this.codec = codec;
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void save(VgpuRequest request) {
        try {
            publisher.publish(request).get(SAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted saving request " + request.requestId(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("request " + request.requestId() + " was not saved: " + e, e);
        }
    }

    @Override
    public Collection<VgpuRequest> load() {
        String topic = TopicCatalogue.VGPU_REQUESTS.name();
        Map<String, VgpuRequest> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "lifecycle-request-store",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, LOAD_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, LOAD_TIMEOUT);
            long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + LOAD_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read(record).ifPresent(request -> latest.put(request.requestId(), request));
                }
            }
        }
        log.info("loaded {} vGPU requests from {}", latest.size(), topic);
        return latest.values();
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private java.util.Optional<VgpuRequest> read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return java.util.Optional.empty();
        }
        try {
            Envelope<?> envelope = codec.decode(record.topic(), record.headers(), record.value());
            if (envelope.payload() instanceof VgpuRequest request) {
                return java.util.Optional.of(request);
            }
        } catch (MalformedRecordException e) {
            log.warn("skipping unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
        return java.util.Optional.empty();
    }
}
