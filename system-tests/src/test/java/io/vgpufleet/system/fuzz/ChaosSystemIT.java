package io.vgpufleet.system.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.contracts.migration.MigrationProgressed;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.system.ComponentProcess;
import io.vgpufleet.system.Http;
import io.vgpufleet.system.SimulatedHost;
import io.vgpufleet.system.SystemUnderTest;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Chaos, reduced for CI: while a seeded workload runs on three simulated hosts (vGPUs created and removed,
 * VMs started, double-bit ECC errors injected, drains asked for, malformed records sent), inventory, health,
 * migration and lifecycle are killed with SIGKILL and started again at seeded points, and so is the Kafka broker
 * ({@code -Dvgpu.chaos.steps=N}, {@code -Dvgpu.chaos.kills=N}, {@code -Dvgpu.chaos.broker-kills=N},
 * {@code -Dvgpu.chaos.seed=N} for longer or other runs; CI: 14 steps, 2 service kills, 1 broker kill). After
 * quiescence: no pGPU holds more vGPUs than its type
 * allows; every vGPU in the agents' trees is in inventory's view and nothing else is; every migration saga that
 * started is terminal; every injected fault shows in health as FAILED; the dead-letter topics hold the malformed
 * records injected and nothing else; every agent still answers a command; no service answered a request with an
 * unhandled exception.
 *
 * <p>vGPUs are created both by agent commands directly and through the lifecycle-service (placement, claim,
 * command), which is killed like the other services; afterwards every lifecycle request has settled (CREATED,
 * ATTACHED, RUNNING or FAILED) and one that did not fail has its vGPU in its host's tree.
 */
class ChaosSystemIT {

    private static final int STEPS = Integer.getInteger("vgpu.chaos.steps", 14);
    private static final int KILLS = Integer.getInteger("vgpu.chaos.kills", 2);
    private static final int BROKER_KILLS = Integer.getInteger("vgpu.chaos.broker-kills", 1);
    private static final long SEED = Long.getLong("vgpu.chaos.seed", 31L);
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final List<Topic> MALFORMED_ON = List.of(TopicCatalogue.HEALTH_SIGNALS, TopicCatalogue.DRAIN_REQUESTS);

    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:chaos-it");

    @Test
    void afterKillsDuringAWorkloadNothingIsOverCommittedLostOrLeftHalfDone() throws Exception {
        SystemUnderTest system = SystemUnderTest.get();
        Map<Service, ComponentProcess> services = new TreeMap<>();
        for (Service service : List.of(Service.INVENTORY, Service.HEALTH, Service.MIGRATION, Service.LIFECYCLE)) {
            services.put(service, system.service(service));
        }
        List<SimulatedHost> hosts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hosts.add(system.addHost("a100"));
        }
        Random random = new Random(SEED);
        String run = "ch" + Long.toHexString(System.nanoTime());
        Map<String, JsonNode> views = new HashMap<>();
        for (SimulatedHost host : hosts) {
            views.put(host.hostId(), awaitHost(services.get(Service.INVENTORY), host.hostId()));
        }
        Map<TopicPartition, Long> migrationsFrom = TopicReader.endOffsets(system, TopicCatalogue.MIGRATION_PROGRESS);
        Map<TopicPartition, Long> repliesFrom = TopicReader.endOffsets(system, TopicCatalogue.COMMAND_REPLIES);
        Map<String, Map<TopicPartition, Long>> deadLettersFrom = new HashMap<>();
        for (Topic topic : MALFORMED_ON) {
            deadLettersFrom.put(topic.name(), TopicReader.endOffsets(system, TopicCatalogue.deadLetterOf(topic)));
        }

        Set<String> faulted = new TreeSet<>();
        Set<String> malformed = new HashSet<>();
        Map<String, List<String>> idleVgpus = new HashMap<>(); // host -> vGPUs no VM holds
        int kills = 0;
        Map<String, SimulatedHost> requested = new TreeMap<>(); // lifecycle request id -> its host
        int brokerKills = 0;
        HostileRecords hostile = new HostileRecords(SEED, run);
        try (EventPublisher publisher = new EventPublisher(
                        EventPublisher.producer(system.bootstrapServers(), "chaos-it", Map.of()), codec);
                KafkaProducer<byte[], byte[]> raw = rawProducer(system)) {
            // every host: a vGPU held by a running VM on its first two pGPUs, so drains and faults have work to do
            for (SimulatedHost host : hosts) {
                JsonNode gpus = views.get(host.hostId()).path("gpus");
                for (int g = 0; g < 2; g++) {
                    String vgpu = create(publisher, host, gpus.get(g));
                    awaitInTree(host, vgpu);
                    assertThat(host.startVm("vm-" + run + "-" + host.hostId() + "-" + g, List.of(vgpu)).status())
                            .isLessThan(300);
                }
            }
            // a pGPU holding a VM fails first, so at least one evacuation runs through the kills
            String first = views.get(hosts.get(0).hostId()).path("gpus").get(0).path("uuid").asString();
            assertThat(hosts.get(0).injectFault(first, "{\"kind\":\"double-bit-ecc\"}").status()).isEqualTo(202);
            faulted.add(first);
            Set<Integer> killAt = new TreeSet<>();
            while (killAt.size() < Math.min(KILLS, STEPS)) {
                killAt.add(random.nextInt(STEPS));
            }
            Set<Integer> brokerKillAt = new TreeSet<>();
            while (brokerKillAt.size() < Math.min(BROKER_KILLS, STEPS - killAt.size())) {
                int step = random.nextInt(STEPS);
                if (!killAt.contains(step)) {
                    brokerKillAt.add(step);
                }
            }
            List<Service> victims = new ArrayList<>(services.keySet());
            java.util.Collections.shuffle(victims, random);
            for (int step = 0; step < STEPS; step++) {
                SimulatedHost host = hosts.get(random.nextInt(hosts.size()));
                JsonNode gpus = views.get(host.hostId()).path("gpus");
                JsonNode gpu = gpus.get(random.nextInt(gpus.size()));
                int action = killAt.contains(step) ? 7 : brokerKillAt.contains(step) ? 6 : random.nextInt(6);
                switch (action) {
                    case 0 -> idleVgpus.computeIfAbsent(host.hostId(), h -> new ArrayList<>())
                            .add(create(publisher, host, gpu));
                    case 1 -> {
                        List<String> idle = idleVgpus.getOrDefault(host.hostId(), List.of());
                        if (!idle.isEmpty()) {
                            Instant now = Instant.now();
                            publisher.publish(new RemoveVgpu("cmd-" + run + "-rm-" + step, host.hostId(), now,
                                    now.plusSeconds(120), idle.remove(0))).get();
                        }
                    }
                    case 2 -> {
                        String uuid = gpu.path("uuid").asString();
                        if (host.injectFault(uuid, "{\"kind\":\"double-bit-ecc\"}").status() == 202) {
                            faulted.add(uuid);
                        }
                    }
                    case 3 -> Http.post(services.get(Service.MIGRATION).url("/api/v1/drains"),
                            "{\"gpuUuid\":\"" + gpu.path("uuid").asString() + "\",\"reason\":\"chaos\"}");
                    case 4 -> {
                        Topic topic = MALFORMED_ON.get(random.nextInt(MALFORMED_ON.size()));
                        FuzzTarget target = FuzzTarget.all(host.hostId()).stream()
                                .filter(t -> t.topic().equals(topic)).findFirst().orElseThrow();
                        for (ProducerRecord<byte[], byte[]> record
                                : hostile.make(target, 3, i -> "GPU-" + UUID.randomUUID())) {
                            raw.send(record).get();
                            malformed.add(new String(record.headers().lastHeader(HostileRecords.FUZZ_ID).value(), UTF_8));
                        }
                    }
                    case 5 -> {
                        // a vGPU through the lifecycle: placement, a claim, the agent's command
                        Http.Response accepted = Http.post(services.get(Service.LIFECYCLE).url("/api/v1/vgpus"),
                                "{\"vmId\":\"vm-" + run + "-lc-" + step + "\",\"typeId\":\""
                                        + gpu.path("types").get(0).path("typeId").asString() + "\",\"hostAffinity\":[\""
                                        + host.hostId() + "\"],\"clientRequestId\":\"" + run + "-lc-" + step + "\"}");
                        if (accepted.status() == 202) {
                            requested.put(EventCodec.json().readTree(accepted.body()).path("id").asString(), host);
                        }
                    }
                    case 6 -> {
                        // every client sees its connections drop; the agents buffer, the services retry
                        system.restartBroker();
                        brokerKills++;
                    }
                    default -> {
                        ComponentProcess victim = services.get(victims.get(kills % victims.size()));
                        victim.kill();
                        victim.restart();
                        kills++;
                    }
                }
            }
        }
        System.out.printf("chaos run %s seed %d: %d steps, %d service kills, %d broker kills, %d faults,"
                + " %d malformed records, %d lifecycle requests%n", run, SEED, STEPS, kills, brokerKills, faulted.size(),
                malformed.size(), requested.size());

        ComponentProcess inventory = services.get(Service.INVENTORY);
        // every saga that started is terminal
        Map<String, MigrationStep> seenSagas = new TreeMap<>();
        await().atMost(DEADLINE).untilAsserted(() -> {
            Map<String, MigrationStep> sagas = latestSteps(system, migrationsFrom);
            seenSagas.putAll(sagas);
            assertThat(sagas).as("the failed pGPU's VM is evacuated by a saga").isNotEmpty();
            assertThat(sagas).as("sagas not terminal").allSatisfy((id, stepOf) -> assertThat(stepOf.terminal())
                    .as(id + " at " + stepOf).isTrue());
        });
        // trees and inventory agree, and no pGPU is over its type's capacity
        await().atMost(DEADLINE).untilAsserted(() -> {
            for (SimulatedHost host : hosts) {
                Http.Response view = Http.get(inventory.url("/api/v1/hosts/" + host.hostId()));
                assertThat(view.status()).isEqualTo(200);
                JsonNode node = EventCodec.json().readTree(view.body());
                Set<String> known = new TreeSet<>();
                node.path("vgpus").forEach(vgpu -> known.add(vgpu.path("uuid").asString()));
                assertThat(known).as("inventory's vGPUs of " + host.hostId()).isEqualTo(inTree(host));
                Map<String, Integer> perGpu = new HashMap<>();
                Map<String, String> typeOf = new HashMap<>();
                node.path("vgpus").forEach(vgpu -> {
                    perGpu.merge(vgpu.path("gpuUuid").asString(), 1, Integer::sum);
                    typeOf.put(vgpu.path("gpuUuid").asString(), vgpu.path("typeId").asString());
                });
                node.path("gpus").forEach(gpu -> gpu.path("types").forEach(type -> {
                    String uuid = gpu.path("uuid").asString();
                    if (type.path("typeId").asString().equals(typeOf.get(uuid))) {
                        assertThat(perGpu.get(uuid)).as("vGPUs on " + uuid)
                                .isLessThanOrEqualTo(type.path("maxInstances").asInt());
                    }
                }));
            }
        });
        // every agent still answers commands: its intake outlives the broker's outage
        try (EventPublisher probe = new EventPublisher(
                EventPublisher.producer(system.bootstrapServers(), "chaos-it-probe", Map.of()), codec)) {
            for (SimulatedHost host : hosts) {
                Instant now = Instant.now();
                probe.publish(new RemoveVgpu(probeId(run, host), host.hostId(), now, now.plusSeconds(120),
                        UUID.randomUUID().toString())).get();
            }
        }
        await().atMost(DEADLINE).untilAsserted(() -> {
            Set<String> answered = new TreeSet<>();
            for (ConsumerRecord<byte[], byte[]> reply
                    : TopicReader.readFrom(system, TopicCatalogue.COMMAND_REPLIES, repliesFrom, DEADLINE)) {
                String text = new String(reply.value(), UTF_8);
                hosts.stream().filter(host -> text.contains("\"" + probeId(run, host) + "\""))
                        .forEach(host -> answered.add(host.hostId()));
            }
            assertThat(answered).as("agents that answered a command after the chaos")
                    .containsExactlyInAnyOrderElementsOf(hosts.stream().map(SimulatedHost::hostId).toList());
        });
        // every lifecycle request settled, and one that did not fail has its vGPU in its host's tree
        ComponentProcess lifecycle = services.get(Service.LIFECYCLE);
        Map<String, String> settled = new TreeMap<>();
        Map<String, Set<String>> lifecycleVgpus = new HashMap<>(); // host -> the vGPUs of its requests not failed
        await().atMost(DEADLINE).untilAsserted(() -> {
            lifecycleVgpus.clear();
            for (Map.Entry<String, SimulatedHost> request : requested.entrySet()) {
                Http.Response answer = Http.get(lifecycle.url("/api/v1/vgpus/" + request.getKey()));
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                JsonNode node = EventCodec.json().readTree(answer.body());
                String state = node.path("state").asString();
                assertThat(state).as(request.getKey() + ": " + node).isIn("CREATED", "ATTACHED", "RUNNING", "FAILED");
                if (!state.equals("FAILED")) {
                    Set<String> tree = inTree(request.getValue());
                    node.path("vgpus").forEach(vgpu -> assertThat(tree).as("the tree of " + request.getValue().hostId())
                            .contains(vgpu.path("vgpuUuid").asString()));
                    node.path("vgpus").forEach(vgpu -> lifecycleVgpus
                            .computeIfAbsent(request.getValue().hostId(), h -> new TreeSet<>())
                            .add(vgpu.path("vgpuUuid").asString()));
                }
                settled.put(request.getKey(), state);
            }
        });
        System.out.printf("lifecycle requests: %s%n", settled);
        // no orphan and no duplicate: every vGPU in a tree is held by a VM on that host, or is one of the idle
        // vGPUs the workload created there and did not remove, or belongs to a lifecycle request that did not
        // fail; a migration's target left by a compensation, a source left after its VM moved, or a failed
        // request's vGPU would be none of these
        await().atMost(DEADLINE).untilAsserted(() -> {
            Map<String, String> hostOf = new HashMap<>();
            for (SimulatedHost host : hosts) {
                Set<String> unowned = new TreeSet<>(inTree(host));
                for (String uuid : unowned) {
                    String other = hostOf.put(uuid, host.hostId());
                    assertThat(other).as("vGPU " + uuid + " in the trees of " + other + " and " + host.hostId()).isNull();
                }
                unowned.removeAll(vmHeld(host));
                unowned.removeAll(idleVgpus.getOrDefault(host.hostId(), List.of()));
                unowned.removeAll(lifecycleVgpus.getOrDefault(host.hostId(), Set.of()));
                assertThat(unowned).as("vGPUs in the tree of " + host.hostId() + " that nothing owns").isEmpty();
            }
        });
        for (String gpu : faulted) {
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(
                    Http.get(services.get(Service.HEALTH).url("/api/v1/gpus/" + gpu + "/health")).body())
                    .contains("\"health\":\"FAILED\""));
        }
        // the dead letters: every injected record, and nothing that was not injected. A consumer killed between
        // dead-lettering a record and committing its offset dead-letters it again on restart (at-least-once), so
        // the copies are counted, not required to be one per consumer.
        int[] copies = new int[1];
        await().atMost(DEADLINE).untilAsserted(() -> {
            Set<String> lettered = new HashSet<>();
            copies[0] = 0;
            for (Topic topic : MALFORMED_ON) {
                for (ConsumerRecord<byte[], byte[]> letter
                        : TopicReader.readFrom(system, TopicCatalogue.deadLetterOf(topic),
                                deadLettersFrom.get(topic.name()), DEADLINE)) {
                    assertThat(letter.headers().lastHeader(HostileRecords.FUZZ_ID))
                            .as("a dead letter on %s that was not injected", topic.name()).isNotNull();
                    assertThat(letter.headers().lastHeader(io.vgpufleet.contracts.messaging.DeadLetters.REASON))
                            .isNotNull();
                    lettered.add(new String(letter.headers().lastHeader(HostileRecords.FUZZ_ID).value(), UTF_8));
                    copies[0]++;
                }
            }
            assertThat(lettered).as("injected records dead-lettered").isEqualTo(malformed);
        });
        System.out.printf("sagas %s; dead letters: %d records injected, %d copies (one consumer each)%n", seenSagas,
                malformed.size(), copies[0]);
        for (ComponentProcess service : services.values()) {
            assertThat(service.isAlive()).as(service.name()).isTrue();
            assertThat(unhandledRequestFailures(service.logFile()))
                    .as("requests %s answered with an unhandled exception (a 500) while things broke", service.name())
                    .isEmpty();
        }
    }

    private static String probeId(String run, SimulatedHost host) {
        return "cmd-" + run + "-probe-" + host.hostId();
    }

    /**
     * The log lines, of every run of the component (its log and the ones moved aside at restarts), where the
     * servlet container reports a request that failed with an exception no handler mapped to an answer.
     */
    private static List<String> unhandledRequestFailures(Path log) throws java.io.IOException {
        List<String> failures = new ArrayList<>();
        try (Stream<Path> logs = Files.list(log.getParent())) {
            for (Path file : logs.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString()))
                    .toList()) {
                try (Stream<String> lines = Files.lines(file, UTF_8)) {
                    lines.filter(line -> line.contains("Servlet.service() for servlet"))
                            .map(line -> file.getFileName() + ": " + line)
                            .limit(5)
                            .forEach(failures::add);
                }
            }
        }
        return failures;
    }

    private String create(EventPublisher publisher, SimulatedHost host, JsonNode gpu) throws Exception {
        String vgpu = UUID.randomUUID().toString();
        Instant now = Instant.now();
        publisher.publish(new CreateVgpu("cmd-" + vgpu, host.hostId(), now, now.plusSeconds(120),
                gpu.path("pciBdf").asString(), gpu.path("types").get(0).path("typeId").asString(), vgpu, Map.of())).get();
        return vgpu;
    }

    private static void awaitInTree(SimulatedHost host, String vgpu) {
        await().atMost(DEADLINE).until(() -> inTree(host).contains(vgpu));
    }

    /** The vGPUs the simulated kernel holds: the entries of {@code bus/mdev/devices}. */
    private static Set<String> inTree(SimulatedHost host) throws java.io.IOException {
        Path devices = host.sysfsRoot().resolve("bus/mdev/devices");
        Set<String> uuids = new TreeSet<>();
        if (Files.isDirectory(devices)) {
            try (Stream<Path> entries = Files.list(devices)) {
                entries.forEach(entry -> uuids.add(entry.getFileName().toString()));
            }
        }
        return uuids;
    }

    /** The vGPUs the host's running VMs hold ({@code GET /sim/vms}). */
    private static Set<String> vmHeld(SimulatedHost host) throws Exception {
        Http.Response vms = Http.get(host.url("/sim/vms"));
        assertThat(vms.status()).as(vms.body()).isEqualTo(200);
        Set<String> held = new TreeSet<>();
        EventCodec.json().readTree(vms.body()).path("vms")
                .forEach(vgpus -> vgpus.forEach(uuid -> held.add(uuid.asString())));
        return held;
    }

    private static JsonNode awaitHost(ComponentProcess inventory, String hostId) {
        JsonNode[] view = new JsonNode[1];
        await().atMost(DEADLINE).untilAsserted(() -> {
            Http.Response response = Http.get(inventory.url("/api/v1/hosts/" + hostId));
            assertThat(response.status()).isEqualTo(200);
            view[0] = EventCodec.json().readTree(response.body());
        });
        return view[0];
    }

    private Map<String, MigrationStep> latestSteps(SystemUnderTest system, Map<TopicPartition, Long> from) {
        Map<String, MigrationStep> steps = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record
                : TopicReader.readFrom(system, TopicCatalogue.MIGRATION_PROGRESS, from, DEADLINE)) {
            try {
                if (codec.decode(record.topic(), record.headers(), record.value()).payload()
                        instanceof MigrationProgressed progress) {
                    steps.put(progress.migrationId(), progress.step());
                }
            } catch (MalformedRecordException e) {
                throw new AssertionError("unreadable progress record: " + e.getMessage(), e);
            }
        }
        return steps;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(SystemUnderTest system) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
