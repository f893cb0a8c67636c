package io.vgpufleet.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.testing.RealKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAgentIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final String hostId = "it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:test:node-agent-it");
    private Path root;
    private NodeAgent agent;
    private EventPublisher commands;
    private KafkaConsumer<byte[], byte[]> reader;
    private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

    @BeforeAll
    void startAnAgentOnASimulatedMixedHost(@TempDir Path sandbox) throws InterruptedException {
        String bootstrap = System.getProperty("kafka.bootstrap.servers");
        root = sandbox.resolve(hostId);
        agent = NodeAgent.start(new AgentConfig(hostId, bootstrap, "127.0.0.1", 0, root, HostProfile.MIXED, 42,
                Duration.ofSeconds(10)), Clock.systemUTC());
        commands = new EventPublisher(EventPublisher.producer(bootstrap, "node-agent-it", Map.of()), codec);
        reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(TopicCatalogue.HOST_SNAPSHOTS.name(), TopicCatalogue.COMMAND_REPLIES.name(),
                TopicCatalogue.HEALTH_SIGNALS.name(),
                TopicCatalogue.deadLetterOf(TopicCatalogue.AGENT_COMMANDS).name())) {
            for (int partition = 0; partition < TopicCatalogue.PARTITIONS; partition++) {
                partitions.add(new TopicPartition(topic, partition));
            }
        }
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
    }

    @AfterAll
    void stop() {
        if (reader != null) {
            reader.close();
        }
        if (commands != null) {
            commands.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void publishesTheSnapshotThatDiscoveryOfTheTreeGives() {
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() -> {
            HostSnapshot snapshot = latestSnapshot().orElseThrow();
            DiscoveredHost tree = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), hostId).discover();
            assertThat(snapshot.gpus()).isEqualTo(tree.gpus());
            assertThat(snapshot.vgpus()).isEqualTo(tree.vgpus());
        });
        HostSnapshot snapshot = latestSnapshot().orElseThrow();
        assertThat(snapshot.gpus()).extracting(PhysicalGpu::model).containsExactly(
                "Tesla P4", "Tesla T4", "NVIDIA A100-SXM4-40GB", "NVIDIA H100 80GB HBM3");
        assertThat(snapshot.agentVersion()).isNotBlank();
    }

    @Test
    void createsAVgpuAndShowsItInTheNextSnapshotAndTheTree() {
        String vgpuUuid = UUID.randomUUID().toString();
        String commandId = "create-" + vgpuUuid;
        commands.publish(createOnTheP4(commandId, hostId, vgpuUuid)).join();

        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(replyTo(commandId)).get().isInstanceOf(CommandSucceeded.class));
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(latestSnapshot().orElseThrow().vgpus()).extracting(Vgpu::uuid).contains(vgpuUuid));
        assertThat(root.resolve("bus/mdev/devices").resolve(vgpuUuid)).isDirectory();
    }

    @Test
    void aSimulatedVmTakesItsVgpusAndTheSnapshotSaysWhichVmHoldsThem() throws IOException, InterruptedException {
        String vgpuUuid = UUID.randomUUID().toString();
        String commandId = "create-" + vgpuUuid;
        commands.publish(createOnTheP4(commandId, hostId, vgpuUuid)).join();
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(replyTo(commandId)).get().isInstanceOf(CommandSucceeded.class));

        assertThat(vms("POST", "{\"vmId\":\"vm-a\",\"vgpuUuids\":[\"" + vgpuUuid + "\"]}").statusCode())
                .isEqualTo(201);
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(latestSnapshot().orElseThrow().vgpus()).filteredOn(vgpu -> vgpu.uuid().equals(vgpuUuid))
                        .singleElement().extracting(Vgpu::vmId).isEqualTo("vm-a"));

        HttpResponse<String> taken = vms("POST", "{\"vmId\":\"vm-b\",\"vgpuUuids\":[\"" + vgpuUuid + "\"]}");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("in use by VM vm-a");
        assertThat(vms("POST", "{\"vmId\":\"vm-c\",\"vgpuUuids\":[\"" + UUID.randomUUID() + "\"]}").statusCode())
                .isEqualTo(404);
        assertThat(vms("POST", "{\"vmId\":\"../etc\",\"vgpuUuids\":[\"" + vgpuUuid + "\"]}").statusCode())
                .isEqualTo(400);
        assertThat(vms("POST", "{\"vmId\":\"vm-d\",\"vgpuUuids\":[]}").statusCode()).isEqualTo(400);
        assertThat(vms("GET", null).body()).contains("\"vm-a\"").doesNotContain("vm-b");

        assertThat(vmRequest("DELETE", "/vm-a").statusCode()).isEqualTo(204);
        assertThat(vmRequest("DELETE", "/vm-a").statusCode()).isEqualTo(404);
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(latestSnapshot().orElseThrow().vgpus()).filteredOn(vgpu -> vgpu.uuid().equals(vgpuUuid))
                        .singleElement().extracting(Vgpu::vmId).isNull());
    }

    private HttpResponse<String> vms(String method, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort()
                        + "/sim/vms"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> vmRequest(String method, String suffix) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort()
                        + "/sim/vms" + suffix)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesACommandOnItsKeyThatNamesAnotherHost() {
        String commandId = "foreign-" + UUID.randomUUID();
        ProducerRecord<String, byte[]> foreign = codec.record(createOnTheP4(commandId, "other-" + hostId,
                UUID.randomUUID().toString()));
        commands.flush();
        sendRaw(new ProducerRecord<>(foreign.topic(), null, hostId, foreign.value(), foreign.headers()));

        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(replyTo(commandId)).get().isInstanceOfSatisfying(CommandRejected.class,
                        rejected -> assertThat(rejected.reasons()).singleElement().asString().contains("other-" + hostId)));
    }

    @Test
    void deadLettersABrokenPayloadAndCarriesOn() throws IOException, InterruptedException {
        ProducerRecord<String, byte[]> valid = codec.record(createOnTheP4("x", hostId, UUID.randomUUID().toString()));
        sendRaw(new ProducerRecord<>(valid.topic(), null, hostId, "{not json".getBytes(UTF_8), valid.headers()));
        String vgpuUuid = UUID.randomUUID().toString();
        String commandId = "after-dead-letter-" + vgpuUuid;
        commands.publish(createOnTheP4(commandId, hostId, vgpuUuid)).join();

        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() -> {
            Optional<ConsumerRecord<byte[], byte[]>> letter = poll().stream()
                    .filter(record -> record.topic().endsWith(".dlq") && Arrays.equals(record.key(), key()))
                    .findFirst();
            assertThat(letter).isPresent();
            Header reason = letter.get().headers().lastHeader(DeadLetters.REASON);
            assertThat(new String(reason.value(), UTF_8)).contains("payload is not a valid vgpu.agent.create-vgpu.v1");
        });
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() ->
                assertThat(replyTo(commandId)).get().isInstanceOf(CommandSucceeded.class));
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agent.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String stage : List.of("delivered", "executed", "snapshot")) {
            assertThat(metrics).as("the command's time in the agent, counted: " + stage)
                    .containsPattern("vgpu_agent_command_stage_seconds_count\\{[^}]*stage=\"" + stage + "\"[^}]*} [1-9]");
        }
    }

    @Test
    void servesHealthAndMetrics() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + agent.httpPort();

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> fault = injectFault(latestOrFirstGpuUuid(), "{\"kind\":\"xid\"}");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"hostId\":\"" + hostId + "\"", "\"kafkaOk\":true");
        assertThat(metrics.body()).contains("vgpu_agent_snapshots_published_total");
        assertThat(fault.statusCode()).isEqualTo(400);
        assertThat(fault.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(fault.body()).contains("code must be an integer");
    }

    @Test
    void injectedFaultsReachTheHealthTopicFromEventsAndFromThePoll() throws IOException, InterruptedException {
        List<PhysicalGpu> gpus = latestSnapshotGpus();
        String p4 = gpus.get(0).uuid();
        String t4 = gpus.get(1).uuid();
        String a100 = gpus.get(2).uuid();

        assertThat(injectFault(a100, "{\"kind\":\"double-bit-ecc\"}").statusCode()).isEqualTo(202);
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() -> assertThat(signalsOf(a100))
                .anySatisfy(signal -> assertThat(signal).isInstanceOfSatisfying(EccErrorsObserved.class, ecc -> {
                    assertThat(ecc.counters().uncorrectedVolatile()).isEqualTo(1);
                    assertThat(ecc.source()).isEqualTo(SignalSource.EVENT);
                }))
                .anySatisfy(signal -> assertThat(signal).isEqualTo(new XidErrorObserved(hostId, a100,
                        signal.observedAt(), SignalSource.EVENT, 48))));

        assertThat(injectFault(t4, "{\"kind\":\"page-retirement-pending\"}").statusCode()).isEqualTo(202);
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() -> assertThat(signalsOf(t4))
                .anySatisfy(signal -> assertThat(signal).isInstanceOfSatisfying(PagesRetired.class, pages -> {
                    assertThat(pages.pending()).isTrue();
                    assertThat(pages.source()).isEqualTo(SignalSource.POLL);
                })));

        assertThat(injectFault(a100, "{\"kind\":\"reset\"}").statusCode()).isEqualTo(202);
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() -> assertThat(signalsOf(a100))
                .last().isInstanceOfSatisfying(EccErrorsObserved.class, ecc -> {
                    assertThat(ecc.counters()).isEqualTo(new EccCounters(0, 0, 0, 1));
                    assertThat(ecc.source()).isEqualTo(SignalSource.POLL);
                }));

        assertThat(injectFault(p4, "{\"kind\":\"single-bit-ecc\"}").statusCode()).isEqualTo(409);
        assertThat(injectFault("GPU-00000000-0000-0000-0000-000000000000", "{\"kind\":\"reset\"}").statusCode())
                .isEqualTo(404);
        assertThat(injectFault(a100, "{\"kind\":").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> injectFault(String gpuUuid, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort()
                        + "/sim/gpus/" + gpuUuid + "/faults"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<PhysicalGpu> latestSnapshotGpus() {
        await().atMost(DEADLINE).pollInSameThread().until(() -> latestSnapshot().isPresent());
        return latestSnapshot().orElseThrow().gpus();
    }

    private List<HealthSignal> signalsOf(String gpuUuid) {
        List<HealthSignal> signals = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : poll()) {
            if (record.topic().equals(TopicCatalogue.HEALTH_SIGNALS.name())
                    && Arrays.equals(record.key(), gpuUuid.getBytes(UTF_8))) {
                signals.add((HealthSignal) decode(record));
            }
        }
        return signals;
    }

    private String latestOrFirstGpuUuid() {
        await().atMost(DEADLINE).pollInSameThread().until(() -> latestSnapshot().isPresent());
        return latestSnapshot().orElseThrow().gpus().get(0).uuid();
    }

    private CreateVgpu createOnTheP4(String commandId, String addressee, String vgpuUuid) {
        String p4 = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), hostId).discover()
                .gpus().get(0).pciBdf();
        Instant now = Instant.now();
        return new CreateVgpu(commandId, addressee, now, now.plusSeconds(120), p4, "nvidia-64", vgpuUuid, Map.of());
    }

    private void sendRaw(ProducerRecord<String, byte[]> record) {
        try (var producer = EventPublisher.producer(System.getProperty("kafka.bootstrap.servers"), "node-agent-it-raw",
                Map.of())) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new AssertionError("could not send " + record, e);
        }
    }

    private Optional<HostSnapshot> latestSnapshot() {
        HostSnapshot latest = null;
        for (ConsumerRecord<byte[], byte[]> record : poll()) {
            if (record.topic().equals(TopicCatalogue.HOST_SNAPSHOTS.name()) && Arrays.equals(record.key(), key())) {
                latest = (HostSnapshot) decode(record);
            }
        }
        return Optional.ofNullable(latest);
    }

    private Optional<CommandReply> replyTo(String commandId) {
        for (ConsumerRecord<byte[], byte[]> record : poll()) {
            if (record.topic().equals(TopicCatalogue.COMMAND_REPLIES.name()) && Arrays.equals(record.key(), key())) {
                CommandReply reply = (CommandReply) decode(record);
                if (reply.commandId().equals(commandId)) {
                    return Optional.of(reply);
                }
            }
        }
        return Optional.empty();
    }

    private Object decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return codec.decode(record.topic(), record.headers(), record.value()).payload();
        } catch (MalformedRecordException e) {
            throw new AssertionError("the agent published an unreadable record: " + e.getMessage(), e);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> poll() {
        reader.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen;
    }

    private byte[] key() {
        return hostId.getBytes(UTF_8);
    }
}
