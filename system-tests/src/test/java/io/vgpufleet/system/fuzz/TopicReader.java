package io.vgpufleet.system.fuzz;

import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.system.SystemUnderTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the suites check afterwards (dead letters, saga progress): a topic's committed end offsets, and
 * every committed record from given offsets to the ends as they were when asked; records up to 2 MiB.
 */
final class TopicReader {

    private TopicReader() {}

    static KafkaConsumer<byte[], byte[]> consumer(SystemUnderTest system) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /** The end offset of every partition of the topic. */
    static Map<TopicPartition, Long> endOffsets(SystemUnderTest system, Topic topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(system)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    /** Every committed record of the topic from the offsets given to the ends of now, waited for up to {@code deadline}. */
    static List<ConsumerRecord<byte[], byte[]>> readFrom(SystemUnderTest system, Topic topic,
            Map<TopicPartition, Long> from, Duration deadline) {
        Map<TopicPartition, Long> ends = endOffsets(system, topic);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(system)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            await().atMost(deadline).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
            });
        }
        return records;
    }
}
