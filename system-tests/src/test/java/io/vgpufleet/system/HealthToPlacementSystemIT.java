package io.vgpufleet.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A double-bit ECC error injected into a simulated host travels through every component as real processes: the
 * agent's NVML event becomes a health signal, health-service fails and cordons the pGPU, inventory-service's
 * placement refuses it as CORDONED, and a drain is requested only for the pGPU that hosts a vGPU.
 */
class HealthToPlacementSystemIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:system-test");

    @Test
    void aDoubleBitErrorFailsCordonsBlocksPlacementAndDrainsOnlyAPgpuThatHostsVgpus() throws Exception {
        SystemUnderTest system = SystemUnderTest.get();
        ComponentProcess inventory = system.service(Service.INVENTORY);
        ComponentProcess health = system.service(Service.HEALTH);
        SimulatedHost host = system.addHost("t4");

        JsonNode view = awaitHost(inventory, host.hostId());
        JsonNode hosting = view.path("gpus").get(0);
        JsonNode empty = view.path("gpus").get(1);
        String hostingGpu = hosting.path("uuid").asString();
        String emptyGpu = empty.path("uuid").asString();
        String typeId = hosting.path("types").get(0).path("typeId").asString();
        String vgpu = UUID.randomUUID().toString();
        try (EventPublisher publisher = new EventPublisher(
                EventPublisher.producer(system.bootstrapServers(), "health-system-it", Map.of()), codec)) {
            Instant now = Instant.now();
            publisher.publish(new CreateVgpu("health-sys-" + UUID.randomUUID(), host.hostId(), now,
                    now.plusSeconds(60), hosting.path("pciBdf").asString(), typeId, vgpu, Map.of())).get();
        }
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(Http.get(health.url("/api/v1/gpus/" + hostingGpu + "/health")).body())
                    .contains("\"hostedVgpus\":1");
            assertThat(Http.get(health.url("/api/v1/gpus/" + emptyGpu + "/health")).body())
                    .contains("\"hostedVgpus\":0");
        });

        for (String gpu : List.of(hostingGpu, emptyGpu)) {
            Http.Response injected = host.injectFault(gpu, "{\"kind\":\"double-bit-ecc\"}");
            assertThat(injected.status()).as(injected.body()).isEqualTo(202);
        }

        for (String gpu : List.of(hostingGpu, emptyGpu)) {
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(
                    Http.get(health.url("/api/v1/gpus/" + gpu + "/health")).body())
                    .contains("\"health\":\"FAILED\"").contains("\"rule\":\"double-bit-ecc\"")
                    .contains("\"cordoned\":true"));
            GpuCordonChanged cordon = decode(awaitRecord(system, TopicCatalogue.GPU_CORDONS.name(), gpu, record -> true),
                    GpuCordonChanged.class);
            assertThat(cordon.cordoned()).isTrue();
            assertThat(cordon.actor()).isEqualTo("policy:double-bit-ecc");
        }

        await().atMost(DEADLINE).untilAsserted(() -> {
            Http.Response placement = Http.post(inventory.url("/api/v1/placements"),
                    "{\"hostAffinity\":[\"" + host.hostId() + "\"],\"gpuAffinity\":[\"" + hostingGpu + "\",\""
                            + emptyGpu + "\"],\"limit\":10}");
            assertThat(placement.status()).as(placement.body()).isEqualTo(200);
            JsonNode answer = EventCodec.json().readTree(placement.body());
            assertThat(answer.path("candidates").isEmpty()).as(placement.body()).isTrue();
            List<String> cordoned = new ArrayList<>();
            int[] cordonedCount = {0};
            answer.path("rejections").forEach(rejection -> {
                if ("CORDONED".equals(rejection.path("reason").asString())) {
                    cordonedCount[0] = rejection.path("count").asInt();
                    rejection.path("examples").forEach(example -> cordoned.add(example.path("gpuUuid").asString()));
                }
            });
            assertThat(cordonedCount[0]).as(placement.body()).isGreaterThanOrEqualTo(2);
            // the answer names a few examples per reason; on a fleet that other system tests cordoned too (the
            // chaos suite shares it) ours may not be among them, so they are required only when all are listed
            if (cordoned.size() == cordonedCount[0]) {
                assertThat(cordoned).as(placement.body()).contains(hostingGpu, emptyGpu);
            }
        });

        DrainRequested drain = decode(awaitRecord(system, TopicCatalogue.DRAIN_REQUESTS.name(), hostingGpu,
                record -> true), DrainRequested.class);
        assertThat(drain.hostId()).isEqualTo(host.hostId());
        assertThat(drain.rule()).isEqualTo("double-bit-ecc");
        // the empty pGPU's cordon is committed (read above); a drain would have committed in the same transaction
        assertThat(committed(system, TopicCatalogue.DRAIN_REQUESTS.name(), emptyGpu)).as("nothing to move").isEmpty();
    }

    private static JsonNode awaitHost(ComponentProcess inventory, String hostId) {
        JsonNode[] view = new JsonNode[1];
        await().atMost(DEADLINE).untilAsserted(() -> {
            Http.Response response = Http.get(inventory.url("/api/v1/hosts/" + hostId));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            view[0] = EventCodec.json().readTree(response.body());
            assertThat(view[0].path("gpus").size()).isGreaterThanOrEqualTo(2);
        });
        return view[0];
    }

    /** The first committed record with this key on the topic that matches, read from the beginning. */
    private static ConsumerRecord<byte[], byte[]> awaitRecord(SystemUnderTest system, String topic, String key,
            Predicate<ConsumerRecord<byte[], byte[]>> match) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(system)) {
            List<TopicPartition> partitions = assignFromStart(consumer, topic);
            Instant deadline = Instant.now().plus(DEADLINE);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(key(record)) && match.test(record)) {
                        return record;
                    }
                }
            }
            throw new AssertionError("no record for " + key + " on " + topic + " (" + partitions.size()
                    + " partitions) within " + DEADLINE);
        }
    }

    /** Every committed record with this key on the topic, read to the topic's end. */
    private static List<ConsumerRecord<byte[], byte[]>> committed(SystemUnderTest system, String topic, String key) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(system)) {
            List<TopicPartition> partitions = assignFromStart(consumer, topic);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                    if (key.equals(key(record))) {
                        found.add(record);
                    }
                });
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
            });
            return found;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(SystemUnderTest system) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    private static List<TopicPartition> assignFromStart(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private <T> T decode(ConsumerRecord<byte[], byte[]> record, Class<T> type) {
        try {
            return type.cast(codec.decode(record.topic(), record.headers(), record.value()).payload());
        } catch (MalformedRecordException e) {
            throw new AssertionError("unreadable record on " + record.topic() + ": " + e.getMessage(), e);
        }
    }
}
