package io.vgpufleet.lifecycle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VmRunState;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.lifecycle.vgpus.ClaimsPort;
import io.vgpufleet.lifecycle.vgpus.LifecycleEngine;
import io.vgpufleet.lifecycle.vgpus.machine.Action;
import io.vgpufleet.lifecycle.vgpus.machine.LifecycleMachine;
import io.vgpufleet.lifecycle.vgpus.machine.LifecyclePolicy;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;
import io.vgpufleet.lifecycle.vgpus.store.KafkaRequestStore;
import io.vgpufleet.service.testing.ServiceChecks;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * The lifecycle-service on a real broker, the test playing the node agent (it reads the commands the
 * service publishes and answers them as an agent does) and the inventory (an in-memory {@link ClaimsPort}:
 * the real claims come with the inventory's claims issue and are exercised by the system tests).
 */
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "vgpu.lifecycle.command-timeout=60s", "vgpu.lifecycle.tick=200ms"})
class LifecycleServiceIT {

    static final String HOST = "lc-it-host";
    static final String GPU_A = "GPU-00000000-0000-4000-8000-0000000000a1";
    static final String GPU_B = "GPU-00000000-0000-4000-8000-0000000000b2";
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Autowired
    EventPublisher publisher;

    @Autowired
    EventCodec codec;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Environment environment;

    @Autowired
    InMemoryClaims claims;

    final HttpClient http = HttpClient.newHttpClient();

    /** Grants every claim on {@value #HOST}, one vGPU per pGPU, and remembers what was released. */
    static final class InMemoryClaims implements ClaimsPort {
        final Set<String> granted = ConcurrentHashMap.newKeySet();
        final Set<String> released = ConcurrentHashMap.newKeySet();

        @Override
        public Stimulus claim(Action.RequestClaim request) {
            granted.add(request.claimId());
            List<Stimulus.ClaimItem> items = new ArrayList<>();
            for (int i = 0; i < request.vgpuUuids().size(); i++) {
                items.add(new Stimulus.ClaimItem(i == 0 ? GPU_A : GPU_B, i == 0 ? "0000:1a:00.0" : "0000:1b:00.0",
                        "nvidia-289", request.vgpuUuids().get(i), i));
            }
            return new Stimulus.ClaimGranted(HOST, items);
        }

        @Override
        public Stimulus release(String claimId) {
            released.add(claimId);
            return new Stimulus.ClaimReleased();
        }
    }

    @TestConfiguration
    static class Claims {
        @Bean
        @Primary
        InMemoryClaims inMemoryClaims() {
            return new InMemoryClaims();
        }
    }

    @Test
    void reportsHealthyOnceBoundToItsTopics() throws Exception {
        ServiceChecks.assertHealthy(port());
    }

    @Test
    void deadLettersABrokenAgentReplyAndReadsTheNextOne(KafkaBroker broker) throws Exception {
        CommandSucceeded reply = new CommandSucceeded("cmd-lifecycle-1", "lifecycle-it-host", "vgpu.agent.create-vgpu.v1",
                Instant.now(), Map.of("vgpuUuid", "6a7c1f3e-5d2b-4c8e-9f10-2b3c4d5e6f70"));
        ServiceChecks.assertDeadLettersBrokenRecordsAndCarriesOn(
                broker.bootstrapServers(), TopicCatalogue.COMMAND_REPLIES, reply, publisher, meters);
    }

    @Test
    void twoVgpuRequestRunsSuspendsIsMarkedForRebootAndIsDestroyedThroughTheAgentsTopics(KafkaBroker broker)
            throws Exception {
        HttpResponse<String> posted = post("/api/v1/vgpus", """
                {"vmId": "vm-it-1", "typeId": "nvidia-289", "count": 2, "params": {"frame_rate_limiter": "0"},
                 "clientRequestId": "it-order-1"}""");
        assertThat(posted.statusCode()).isEqualTo(202);
        String id = json(posted.body()).get("id").asString();

        List<CreateVgpu> creates = commands(broker, CreateVgpu.class, command -> command.commandId().startsWith(id), 2);
        assertThat(creates).extracting(CreateVgpu::hostId).containsOnly(HOST);
        assertThat(creates).allSatisfy(create -> assertThat(create.params()).containsEntry("frame_rate_limiter", "0"));
        creates.forEach(this::succeed);
        awaitState(id, "CREATED");

        // a retry with the same client request id answers the same request and creates nothing more
        HttpResponse<String> retried = post("/api/v1/vgpus", """
                {"vmId": "vm-it-1", "typeId": "nvidia-289", "count": 2, "params": {"frame_rate_limiter": "0"},
                 "clientRequestId": "it-order-1"}""");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(json(retried.body()).get("id").asString()).isEqualTo(id);
        assertThat(json(get("/api/v1/vgpus?vmId=vm-it-1").body()).get("total").asInt()).isEqualTo(1);

        List<Vgpu> running = creates.stream().map(create -> new Vgpu(create.vgpuUuid(),
                create.parentPciBdf().equals("0000:1a:00.0") ? GPU_A : GPU_B, "nvidia-289", null, "vm-it-1", Map.of(), null,
                VmRunState.RUNNING, null)).toList();
        publisher.publish(snapshot(running)).get();
        awaitState(id, "RUNNING");

        assertThat(post("/api/v1/vgpus/" + id + "/suspend", "").statusCode()).isEqualTo(202);
        succeed(commands(broker, SuspendVm.class, command -> command.commandId().startsWith(id), 1).get(0));
        awaitState(id, "SUSPENDED");

        publisher.publish(new GpuHealthChanged(GPU_A, HOST, GpuHealth.HEALTHY, GpuHealth.FAILED, "double-bit-ecc",
                Map.of("volatileUncorrected", "1"), Instant.now())).get();
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(json(get("/api/v1/vgpus/" + id).body()).get("rebootRequired").asBoolean()).isTrue());

        HttpResponse<String> xml = get("/api/v1/vgpus/" + id + "/domain-xml");
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.body()).contains(creates.get(0).vgpuUuid()).contains(creates.get(1).vgpuUuid())
                .contains("<vcpupin vcpu='0' cpuset='8'/>");

        assertThat(delete("/api/v1/vgpus/" + id).statusCode()).isEqualTo(202);
        List<RemoveVgpu> removes = commands(broker, RemoveVgpu.class, command -> command.commandId().startsWith(id), 2);
        assertThat(removes).extracting(RemoveVgpu::vgpuUuid)
                .containsExactlyInAnyOrderElementsOf(creates.stream().map(CreateVgpu::vgpuUuid).toList());
        removes.forEach(this::succeed);
        awaitState(id, "DESTROYED");
        assertThat(claims.released).contains(json(get("/api/v1/vgpus/" + id).body()).get("claimId").asString());

        List<VgpuState> path = records(broker, TopicCatalogue.VGPU_STATES.name(), VgpuStateChanged.class,
                event -> event.requestId().equals(id), 10).stream().map(VgpuStateChanged::current).toList();
        assertThat(path).containsExactly(VgpuState.REQUESTED, VgpuState.PLACED, VgpuState.CREATING, VgpuState.CREATED,
                VgpuState.ATTACHED, VgpuState.RUNNING, VgpuState.SUSPENDED, VgpuState.SUSPENDED, VgpuState.DESTROYING,
                VgpuState.DESTROYED);
    }

    @Test
    void aFailedCreateRemovesEveryVgpuOfTheRequestReleasesTheClaimAndFails(KafkaBroker broker) throws Exception {
        String id = json(post("/api/v1/vgpus", """
                {"vmId": "vm-it-2", "typeId": "nvidia-289", "count": 2}""").body()).get("id").asString();
        List<CreateVgpu> creates = commands(broker, CreateVgpu.class, command -> command.commandId().startsWith(id), 2);

        succeed(creates.get(0));
        publisher.publish(new CommandFailed(creates.get(1).commandId(), HOST, "vgpu.agent.create-vgpu.v1", Instant.now(),
                "EUSERS", "no instance available")).get();
        List<RemoveVgpu> removes = commands(broker, RemoveVgpu.class, command -> command.commandId().startsWith(id), 2);
        removes.forEach(this::succeed);

        awaitState(id, "FAILED");
        JsonNode failed = json(get("/api/v1/vgpus/" + id).body());
        assertThat(failed.get("failure").asString()).contains("EUSERS");
        assertThat(claims.released).contains(failed.get("claimId").asString());
    }

    @Test
    void aNewEngineOverTheSameTopicResumesARequestLeftCreatingWithTheSameCommandIds(KafkaBroker broker)
            throws Exception {
        String id = json(post("/api/v1/vgpus", """
                {"vmId": "vm-it-3", "typeId": "nvidia-289"}""").body()).get("id").asString();
        CreateVgpu sent = commands(broker, CreateVgpu.class, command -> command.commandId().startsWith(id), 1).get(0);
        awaitState(id, "CREATING");

        InMemoryClaims otherClaims = new InMemoryClaims();
        try (LifecycleEngine restarted = new LifecycleEngine(new LifecycleMachine(LifecyclePolicy.defaults()),
                new KafkaRequestStore(publisher, codec, broker.bootstrapServers()), publisher, otherClaims,
                Clock.systemUTC(), UUID::randomUUID)) {
            restarted.start(Duration.ofHours(1));

            VgpuRequest resumed = restarted.get(id).orElseThrow();
            assertThat(resumed.state()).isEqualTo(VgpuState.CREATING);
            assertThat(commands(broker, CreateVgpu.class, command -> command.commandId().equals(sent.commandId()), 2))
                    .allSatisfy(again -> assertThat(again).isEqualTo(sent));
            restarted.onReply(new CommandSucceeded(sent.commandId(), HOST, "vgpu.agent.create-vgpu.v1", Instant.now(),
                    Map.of()));
            assertThat(restarted.get(id).orElseThrow().state()).isEqualTo(VgpuState.CREATED);
        }
    }

    @Test
    void refusesInvalidBodiesNamingTheField() throws Exception {
        HttpResponse<String> unknown = post("/api/v1/vgpus", """
                {"vmId": "vm-x", "typeId": "nvidia-289", "colour": "blue"}""");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown.body()).get("field").asString()).isEqualTo("colour");

        HttpResponse<String> badVm = post("/api/v1/vgpus", """
                {"vmId": "../etc/passwd", "typeId": "nvidia-289"}""");
        assertThat(badVm.statusCode()).isEqualTo(400);
        assertThat(json(badVm.body()).get("field").asString()).isEqualTo("vmId");

        HttpResponse<String> badCount = post("/api/v1/vgpus", """
                {"vmId": "vm-x", "count": 99}""");
        assertThat(json(badCount.body()).get("field").asString()).isEqualTo("count");

        HttpResponse<String> badParam = post("/api/v1/vgpus", """
                {"vmId": "vm-x", "params": {"frame_rate_limiter": "0; rm -rf /"}}""");
        assertThat(badParam.statusCode()).isEqualTo(400);
        assertThat(json(badParam.body()).get("field").asString()).isEqualTo("params");

        assertThat(get("/api/v1/vgpus/no-such-request").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/vgpus?size=0").statusCode()).isEqualTo(400);
    }

    // ------------------------------------------------------------------ helpers

    void succeed(AgentCommand command) {
        try {
            publisher.publish(new CommandSucceeded(command.commandId(), command.hostId(), "t", Instant.now(), Map.of()))
                    .get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static HostSnapshot snapshot(List<Vgpu> vgpus) {
        return new HostSnapshot(HOST, System.nanoTime(), Instant.now(), "it", HostKind.MDEV,
                new VgpuManagerStatus(true, "550", List.of()),
                List.of(gpu(GPU_A, "0000:1a:00.0", "8-15", EccMode.ON), gpu(GPU_B, "0000:1b:00.0", "16-23", EccMode.OFF)),
                vgpus);
    }

    static PhysicalGpu gpu(String uuid, String bdf, String cpus, EccMode ecc) {
        return new PhysicalGpu(uuid, bdf, "Tesla P4", 8192, 0, cpus, ecc, HostKind.MDEV, false,
                new NvmlFacts(NvmlFacts.AVAILABLE, null, null), List.of(), List.of());
    }

    void awaitState(String id, String state) {
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(json(get("/api/v1/vgpus/" + id).body()).get("state").asString()).isEqualTo(state));
    }

    <T extends AgentCommand> List<T> commands(KafkaBroker broker, Class<T> type, Predicate<T> match, int count) {
        return records(broker, TopicCatalogue.AGENT_COMMANDS.name(), type, match, count);
    }

    /** Waits until {@code count} records of a type that match are on the topic (read from its beginning). */
    <T> List<T> records(KafkaBroker broker, String topic, Class<T> type, Predicate<T> match, int count) {
        List<T> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, DEADLINE).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(DEADLINE);
            while (found.size() < count && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    decode(record).filter(type::isInstance).map(type::cast).filter(match).ifPresent(found::add);
                }
            }
            // a little longer, so that one record too many is seen
            Instant settle = Instant.now().plusMillis(500);
            while (Instant.now().isBefore(settle)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    decode(record).filter(type::isInstance).map(type::cast).filter(match).ifPresent(found::add);
                }
            }
        }
        assertThat(found).as("%s records on %s", type.getSimpleName(), topic).hasSize(count);
        return found;
    }

    Optional<Object> decode(ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(codec.decode(record.topic(), record.headers(), record.value()).payload());
        } catch (MalformedRecordException e) {
            return Optional.empty();
        }
    }

    int port() {
        return environment.getRequiredProperty("local.server.port", Integer.class);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR))
                .header("Content-Type", "application/json")
                .POST(body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.VIEWER)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String body) {
        return EventCodec.json().readTree(body);
    }
}
