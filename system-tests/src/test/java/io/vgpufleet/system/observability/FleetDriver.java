package io.vgpufleet.system.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.messaging.CloudEventAttributes;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.system.ComponentProcess;
import io.vgpufleet.system.Http;
import io.vgpufleet.system.SimulatedHost;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

/** Makes things happen in the running fleet, as an operator or a broken producer would, for the metrics to show. */
final class FleetDriver {

    static final Duration DEADLINE = Duration.ofSeconds(90);

    private final String bootstrapServers;
    private final ComponentProcess inventory;

    FleetDriver(String bootstrapServers, ComponentProcess inventory) {
        this.bootstrapServers = bootstrapServers;
        this.inventory = inventory;
    }

    /** The host as the inventory sees it, once it has its snapshot. */
    JsonNode awaitHost(SimulatedHost host) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(DEADLINE).untilAsserted(() -> {
            Http.Response response = Http.get(inventory.url("/api/v1/hosts/" + host.hostId()));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            seen[0] = EventCodec.json().readTree(response.body());
            assertThat(seen[0].path("gpus").size()).isPositive();
        });
        return seen[0];
    }

    /** Fails the pGPU as a GPU falling off the bus would (Xid 79). */
    void failGpu(SimulatedHost host, String gpuUuid) {
        Http.Response injected = host.injectFault(gpuUuid, "{\"kind\":\"xid\",\"code\":79}");
        assertThat(injected.status()).as(injected.body()).isEqualTo(202);
    }

    /** Asks the host's agent over Kafka to create a vGPU of the pGPU's first type; answers the vGPU's UUID. */
    String createVgpu(String hostId, JsonNode gpu) throws Exception {
        String vgpuUuid = UUID.randomUUID().toString();
        Instant now = Instant.now();
        CreateVgpu command = new CreateVgpu("ops-" + vgpuUuid, hostId, now, now.plus(Duration.ofMinutes(5)),
                gpu.path("pciBdf").asString(), gpu.path("types").get(0).path("typeId").asString(), vgpuUuid, Map.of());
        try (EventPublisher publisher = new EventPublisher(EventPublisher.producer(bootstrapServers, "ops-it", Map.of()),
                new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:test:ops"))) {
            publisher.publish(command).get(30, TimeUnit.SECONDS);
        }
        return vgpuUuid;
    }

    /** Sends a record that is not JSON to the host-snapshot topic, as a broken producer would. */
    void sendUnreadableSnapshot() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            String key = "broken-" + UUID.randomUUID();
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(TopicCatalogue.HOST_SNAPSHOTS.name(), key,
                    "{not json".getBytes(StandardCharsets.UTF_8));
            Map.of(CloudEventAttributes.SPEC_VERSION, "1.0", CloudEventAttributes.ID, key,
                            CloudEventAttributes.TYPE, "vgpu.agent.host-snapshot.v1", CloudEventAttributes.SOURCE, "urn:test",
                            CloudEventAttributes.TIME, Instant.now().toString(), CloudEventAttributes.SUBJECT, key)
                    .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    /** One placement request, so the placement timer has a sample. */
    void place(String typeId) {
        Http.Response placed = Http.post(inventory.url("/api/v1/placements"), "{\"typeId\":\"" + typeId + "\"}");
        assertThat(placed.status()).as(placed.body()).isEqualTo(200);
    }
}
