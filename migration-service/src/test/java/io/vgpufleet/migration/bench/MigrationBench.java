package io.vgpufleet.migration.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.contracts.messaging.TopicProvisioner;
import io.vgpufleet.contracts.migration.MigrationProgressed;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.BenchMachine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

/**
 * A benchmark, not a test: migration orchestration overhead and drain duration. A KRaft broker runs in
 * this JVM; the migration-service ({@code migration-service/target/migration-service-0.1.0-SNAPSHOT.jar},
 * local claims) and two simulated T4 hosts (node-agent jar, 4 x T4 each, 32 GRID T4-2B vGPUs per host) run as
 * child processes. 32 VMs are moved from one host to the other and back, round after round, until
 * {@code migrations} have completed; per migration the overhead is the time from leaving the queue to
 * COMPLETED minus the simulated copy (the simulated hypervisor moves a file: its copy takes no time, so the
 * whole saga is overhead), broken down by step from the progress events. Then one 32-vGPU host drain per
 * per-source-host limit given.
 *
 * <pre>
 * mvn -B -q -pl node-agent,migration-service -am package dependency:build-classpath -DskipTests \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt &amp;&amp; \
 * java -cp "migration-service/target/test-classes:migration-service/target/classes:$(cat migration-service/target/cp.txt)" \
 *     [-Dbench.agent.jar=... -Dbench.service.jar=...] io.vgpufleet.migration.bench.MigrationBench \
 *     [migrations=500] [drain limits=1,2,4,8] [fleet-wide limit while measuring the overhead=8]
 * </pre>
 */
public final class MigrationBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TYPE = "nvidia-223";
    /** An operator's token, trusted by the service through {@link TestTokens#publicKeyPem()}. */
    private static final String TOKEN = TestTokens.bearer(TestTokens.OPERATOR);

    private MigrationBench() {}

    public static void main(String[] args) throws Exception {
        int migrations = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        List<Integer> limits = new ArrayList<>();
        for (String limit : (args.length > 1 ? args[1] : "1,2,4,8").split(",")) {
            limits.add(Integer.parseInt(limit));
        }
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path world = Files.createTempDirectory("migration-bench");
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
        String bootstrap = broker.getBrokersAsString();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, (short) 1).provision();
        }
        List<Process> processes = new ArrayList<>();
        Map<String, Map<MigrationStep, Instant>> steps = new ConcurrentHashMap<>();
        // a migration's terminal progress event ends the wait for it: the bench does not poll the service over
        // HTTP meanwhile (its GETs took half the service's CPU on these 2 shared cores)
        Map<String, CompletableFuture<MigrationStep>> ends = new ConcurrentHashMap<>();
        Thread progress = progressReader(bootstrap, steps, ends);
        try (EventPublisher publisher = new EventPublisher(EventPublisher.producer(bootstrap, "migration-bench", Map.of()),
                new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:bench:migration"))) {
            int portA = freePort();
            int portB = freePort();
            processes.add(agent("bench-a", portA, world, bootstrap));
            processes.add(agent("bench-b", portB, world, bootstrap));
            URI service = URI.create("http://127.0.0.1:" + freePort());
            Process migration = service(service, world, bootstrap, 8, 8, inFlight, "overhead");
            processes.add(migration);
            awaitHealthy(service);

            List<String> vms = createVms(publisher, "bench-a", portA, world, 32, "bench");
            List<Long> overheads = new ArrayList<>();
            List<String> notCompleted = new ArrayList<>();
            java.util.Set<String> measured = new java.util.HashSet<>();
            Map<MigrationStep, List<Long>> byStep = new EnumMap<>(MigrationStep.class);
            // the first rounds warm the JVMs up (JIT, connections, caches); they run the same way but are not measured
            int warmUpRounds = Integer.getInteger("bench.warmup-rounds", 1);
            List<Long> warmUp = new ArrayList<>();
            int round = 0;
            String loadAtStart = BenchMachine.loadAverage();
            long wallStart = System.nanoTime();
            while (overheads.size() < migrations) {
                boolean measuring = round++ >= warmUpRounds;
                if (measuring && round == warmUpRounds + 1) {
                    wallStart = System.nanoTime();
                    loadAtStart = BenchMachine.loadAverage();
                }
                List<String> ids = new ArrayList<>();
                for (String vm : vms.subList(0, Math.min(vms.size(), migrations - overheads.size()))) {
                    ids.add(post(service.resolve("/api/v1/migrations"), "{\"vmId\":\"" + vm + "\"}")
                            .path("migrationId").asString());
                }
                List<String> completed = new ArrayList<>();
                for (String id : ids) {
                    JsonNode saga = awaitEnd(service, ends, id);
                    if (!"COMPLETED".equals(saga.path("step").asString())) {
                        // counted and told, not measured: the VM stays where it was and moves in the next round
                        notCompleted.add(saga.path("step").asString() + ": " + saga.path("reason").asString());
                        continue;
                    }
                    long overhead = Duration.between(Instant.parse(saga.path("startedAt").asString()),
                            Instant.parse(saga.path("updatedAt").asString())).toMillis();
                    if (!measuring) {
                        warmUp.add(overhead);
                        continue;
                    }
                    completed.add(id);
                    measured.add(id);
                    overheads.add(overhead);
                }
                for (String id : completed) {
                    Map<MigrationStep, Instant> at = awaitSteps(steps, id);
                    addStep(byStep, MigrationStep.CHECK_COMPATIBILITY, at, MigrationStep.CLAIM_TARGET);
                    addStep(byStep, MigrationStep.CLAIM_TARGET, at, MigrationStep.PREPARE_TARGET);
                    addStep(byStep, MigrationStep.PREPARE_TARGET, at, MigrationStep.MIGRATE);
                    addStep(byStep, MigrationStep.MIGRATE, at, MigrationStep.VERIFY);
                    addStep(byStep, MigrationStep.VERIFY, at, MigrationStep.CLEANUP_SOURCE);
                    addStep(byStep, MigrationStep.CLEANUP_SOURCE, at, MigrationStep.COMPLETED);
                }
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            System.out.printf("%s; load average %s at the start, %s at the end%n", BenchMachine.describe(),
                    loadAtStart, BenchMachine.loadAverage());
            System.out.printf("%d migrations in %.1f s, 32 asked for at a time, %d running at once (fleet-wide limit %d,"
                    + " per host 8)%n", overheads.size(), wall, Math.min(inFlight, 8), inFlight);
            if (!warmUp.isEmpty()) {
                System.out.printf("warm-up, not measured: %d rounds, %d migrations completed, p50 %d ms, p99 %d ms, max %d ms%n",
                        warmUpRounds, warmUp.size(), percentile(warmUp, 50), percentile(warmUp, 99), Collections.max(warmUp));
            }
            System.out.printf("orchestration overhead (admitted -> COMPLETED, simulated copy 0 ms): p50 %d ms, p99 %d ms,"
                    + " max %d ms%n", percentile(overheads, 50), percentile(overheads, 99), Collections.max(overheads));
            List<Long> slowest = new ArrayList<>(overheads);
            slowest.sort(Collections.reverseOrder());
            System.out.printf("slowest: %s; in order of completion, the first 8: %s%n",
                    slowest.subList(0, Math.min(8, slowest.size())), overheads.subList(0, Math.min(8, overheads.size())));
            System.out.printf("not completed (not in the figures): %d%s%n", notCompleted.size(),
                    notCompleted.isEmpty() ? "" : " " + notCompleted);
            byStep.forEach((step, values) -> System.out.printf("  %-20s p50 %5d ms  p99 %5d ms%n", step,
                    percentile(values, 50), percentile(values, 99)));
            roundTrips(bootstrap, measured);
            agentStages("bench-a", portA);
            agentStages("bench-b", portB);
            migration.destroy();
            migration.waitFor(30, TimeUnit.SECONDS);

            for (int limit : limits) {
                URI drainService = URI.create("http://127.0.0.1:" + freePort());
                Process drainer = service(drainService, world, bootstrap, limit, 8, 8, "drain-" + limit);
                processes.add(drainer);
                awaitHealthy(drainService);
                // the host holding more of the 32 VMs (all of them after an even number of rounds, e.g. 512)
                String host = vmsOn(world, "bench-a").size() >= vmsOn(world, "bench-b").size() ? "bench-a" : "bench-b";
                long started = System.nanoTime();
                JsonNode drain = post(drainService.resolve("/api/v1/drains"), "{\"hostId\":\"" + host + "\"}");
                String drainId = drain.path("drainId").asString();
                JsonNode done;
                do {
                    TimeUnit.MILLISECONDS.sleep(100);
                    done = get(drainService.resolve("/api/v1/drains/" + drainId));
                } while ("RUNNING".equals(done.path("state").asString()));
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("drain of %d vGPUs off %s, per-source-host limit %d: %.1f s, state %s, most running at"
                        + " once %d; load average %s%n", done.path("items").size(), host, limit, seconds,
                        done.path("state").asString(), mostAtOnce(drainService, done), BenchMachine.loadAverage());
                drainer.destroy();
                drainer.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            progress.interrupt();
            processes.forEach(Process::destroy);
            for (Process process : processes) {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            broker.destroy();
        }
    }

    /**
     * Where a round trip's time goes, from the record timestamps (each producer's clock at {@code send}; every
     * process runs on this machine): per command of a measured migration, the saga state written before it to the
     * command's send (the state's acknowledgement and the engine), the command to its reply (the agent's fetch,
     * execution and outcome journal), and the reply to the next saga state (the reply's linger and send, the
     * service's fetch and the engine). By the command's step (the part of its id after the migration id).
     */
    private static void roundTrips(String bootstrap, java.util.Set<String> measured) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:bench:migration");
        Map<String, List<Long>> states = new HashMap<>();
        Map<String, Long> commands = new HashMap<>();
        Map<String, Long> replies = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(TopicCatalogue.MIGRATION_SAGAS.name(), TopicCatalogue.AGENT_COMMANDS.name(),
                    TopicCatalogue.COMMAND_REPLIES.name())) {
                consumer.partitionsFor(topic).forEach(info -> partitions.add(
                        new org.apache.kafka.common.TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Object payload;
                    try {
                        payload = codec.decode(record.topic(), record.headers(), record.value()).payload();
                    } catch (Exception e) {
                        continue;
                    }
                    if (payload instanceof io.vgpufleet.contracts.migration.MigrationSaga saga
                            && measured.contains(saga.migrationId())) {
                        states.computeIfAbsent(saga.migrationId(), m -> new ArrayList<>()).add(record.timestamp());
                    } else if (payload instanceof io.vgpufleet.contracts.command.AgentCommand command) {
                        commands.putIfAbsent(command.commandId(), record.timestamp());
                    } else if (payload instanceof io.vgpufleet.contracts.command.CommandReply reply) {
                        replies.putIfAbsent(reply.commandId(), record.timestamp());
                    }
                }
            }
        }
        Map<String, List<Long>> before = new java.util.TreeMap<>();
        Map<String, List<Long>> agent = new java.util.TreeMap<>();
        Map<String, List<Long>> after = new java.util.TreeMap<>();
        commands.forEach((commandId, sent) -> {
            int dot = commandId.indexOf('.');
            List<Long> written = dot < 0 ? null : states.get(commandId.substring(0, dot));
            Long replied = replies.get(commandId);
            if (written == null || replied == null) {
                return;
            }
            String step = commandId.substring(dot + 1).replaceAll("\\..*", "");
            written.stream().filter(t -> t <= sent).max(Long::compare).ifPresent(t ->
                    before.computeIfAbsent(step, k -> new ArrayList<>()).add(sent - t));
            agent.computeIfAbsent(step, k -> new ArrayList<>()).add(replied - sent);
            written.stream().filter(t -> t >= replied).min(Long::compare).ifPresent(t ->
                    after.computeIfAbsent(step, k -> new ArrayList<>()).add(t - replied));
        });
        System.out.println("round trips by command (record timestamps; p50 / p99 ms):");
        agent.forEach((step, values) -> System.out.printf("  %-14s n %4d  state -> command %s  command -> reply %s"
                + "  reply -> next state %s%n", step, values.size(), p5099(before.get(step)), p5099(values),
                p5099(after.get(step))));
    }

    private static String p5099(List<Long> values) {
        return values == null || values.isEmpty() ? "-" : percentile(values, 50) + " / " + percentile(values, 99);
    }

    private static void addStep(Map<MigrationStep, List<Long>> byStep, MigrationStep step,
            Map<MigrationStep, Instant> at, MigrationStep next) {
        if (at.containsKey(step) && at.containsKey(next)) {
            byStep.computeIfAbsent(step, s -> new ArrayList<>()).add(Duration.between(at.get(step), at.get(next)).toMillis());
        }
    }

    private static Map<MigrationStep, Instant> awaitSteps(Map<String, Map<MigrationStep, Instant>> steps, String id)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Map<MigrationStep, Instant> at = steps.get(id);
            if (at != null && at.containsKey(MigrationStep.COMPLETED)) {
                return at;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return steps.getOrDefault(id, Map.of());
    }

    private static Thread progressReader(String bootstrap, Map<String, Map<MigrationStep, Instant>> steps,
            Map<String, CompletableFuture<MigrationStep>> ends) {
        Thread thread = new Thread(() -> {
            Map<String, Object> config = new HashMap<>();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "migration-bench");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:bench:migration");
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
                consumer.subscribe(List.of(TopicCatalogue.MIGRATION_PROGRESS.name()));
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        try {
                            if (codec.decode(record.topic(), record.headers(), record.value()).payload()
                                    instanceof MigrationProgressed event) {
                                steps.computeIfAbsent(event.migrationId(), id -> new ConcurrentHashMap<>())
                                        .putIfAbsent(event.step(), event.at());
                                if (event.step().terminal()) {
                                    ends.computeIfAbsent(event.migrationId(), id -> new CompletableFuture<>())
                                            .complete(event.step());
                                }
                            }
                        } catch (Exception e) {
                            // not a progress event of ours
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                Thread.currentThread().interrupt();
            }
        }, "progress-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static List<String> createVms(EventPublisher publisher, String host, int port, Path world, int count,
            String prefix) throws Exception {
        List<String> bdfs = new ArrayList<>();
        Path bus = world.resolve(host).resolve("class/mdev_bus");
        for (int i = 0; i < 600 && (!Files.isDirectory(bus) || bdfs.isEmpty()); i++) {
            TimeUnit.MILLISECONDS.sleep(100);
            if (Files.isDirectory(bus)) {
                try (var entries = Files.list(bus)) {
                    entries.map(p -> p.getFileName().toString()).sorted().forEach(bdfs::add);
                }
            }
        }
        List<String> vms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String vgpu = UUID.randomUUID().toString();
            Instant now = Instant.now();
            publisher.publish(new CreateVgpu("bench-create-" + vgpu, host, now, now.plusSeconds(120),
                    bdfs.get(i % bdfs.size()), TYPE, vgpu, Map.of())).get();
            Path device = world.resolve(host).resolve("bus/mdev/devices").resolve(vgpu);
            for (int w = 0; w < 600 && !Files.isDirectory(device); w++) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            String vm = prefix + "-" + i;
            // the device directory comes first, its attributes just after: a 404 is the agent not seeing it yet
            HttpResponse<String> started = null;
            for (int attempt = 0; attempt < 300 && (started == null || started.statusCode() == 404); attempt++) {
                if (started != null) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                started = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sim/vms"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"vmId\":\"" + vm + "\",\"vgpuUuids\":[\"" + vgpu + "\"]}")).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            if (started.statusCode() / 100 != 2) {
                throw new IllegalStateException("VM " + vm + " not started: " + started.body());
            }
            vms.add(vm);
        }
        TimeUnit.SECONDS.sleep(3); // the agents' next discovery publishes the VMs
        return vms;
    }

    private static List<String> vmsOn(Path world, String host) throws IOException {
        Path dir = world.resolve(host).resolve("simulator/vms");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
        }
    }

    private static Process agent(String host, int port, Path world, String bootstrap) throws IOException {
        return start(world.resolve(host + ".log"), System.getProperty("bench.agent.jar",
                "node-agent/target/node-agent-0.1.0-SNAPSHOT.jar"),
                List.of("-Xmx96m", "-XX:+UseSerialGC"), List.of("--host-id=" + host, "--bootstrap-servers=" + bootstrap,
                        "--http-port=" + port, "--sysfs-root=" + world.resolve(host), "--simulate=t4", "--seed=" + port));
    }

    private static Process service(URI base, Path world, String bootstrap, int perSource, int perTarget, int fleetWide,
            String name) throws IOException {
        return start(world.resolve("migration-" + name + ".log"), System.getProperty("bench.service.jar",
                "migration-service/target/migration-service-0.1.0-SNAPSHOT.jar"),
                List.of("-Xmx512m"), List.of("--server.port=" + base.getPort(), "--server.address=127.0.0.1",
                        "--spring.kafka.bootstrap-servers=" + bootstrap, "--vgpu.migration.claims=local",
                        "--vgpu.migration.saga.tick=50ms",
                        // the target host is filled to its last instance: every one of its 4 pGPUs is a candidate
                        "--vgpu.migration.policy.max-candidates-checked=4",
                        "--vgpu.migration.concurrency.per-source-host=" + perSource,
                        "--vgpu.migration.concurrency.per-target-host=" + perTarget,
                        "--vgpu.migration.concurrency.fleet-wide=" + fleetWide,
                        "--spring.cloud.stream.kafka.binder.brokers=" + bootstrap,
                        "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + TestTokens.publicKeyPem(),
                        "--vgpu.security.issuer=" + TestTokens.ISSUER));
    }

    private static Process start(Path log, String jar, List<String> jvm, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.add("-jar");
        command.add(jar);
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitHealthy(URI base) throws Exception {
        for (int i = 0; i < 1200; i++) {
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException(base + " did not become healthy");
    }

    /**
     * The agent's own command timers ({@code vgpu.agent.command.stage}: mean and max per stage since the agent
     * started, the VMs' creation included).
     */
    private static void agentStages(String host, int port) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> stages = new java.util.TreeMap<>(); // count, sum, max
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "vgpu_agent_command_stage_seconds_(count|sum|max)\\{[^}]*stage=\"(\\w+)\"[^}]*} (\\S+)");
        for (String row : metrics.split("\n")) {
            java.util.regex.Matcher m = line.matcher(row);
            if (m.find()) {
                double[] v = stages.computeIfAbsent(m.group(2), k -> new double[3]);
                v[switch (m.group(1)) { case "count" -> 0; case "sum" -> 1; default -> 2; }] = Double.parseDouble(m.group(3));
            }
        }
        StringBuilder out = new StringBuilder("agent " + host + " by stage (n, mean / max ms):");
        stages.forEach((stage, v) -> out.append(String.format("  %s %d, %.1f / %.0f", stage, (long) v[0],
                v[0] == 0 ? 0 : v[1] * 1000 / v[0], v[2] * 1000)));
        System.out.println(out);
    }

    /** Waits for the migration's terminal progress event, then reads the saga once. */
    private static JsonNode awaitEnd(URI service, Map<String, CompletableFuture<MigrationStep>> ends, String id)
            throws Exception {
        try {
            ends.computeIfAbsent(id, key -> new CompletableFuture<>()).get(300, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("migration " + id + " did not end", e);
        }
        JsonNode saga = get(service.resolve("/api/v1/migrations/" + id));
        if (!MigrationStep.valueOf(saga.path("step").asString()).terminal()) {
            throw new IllegalStateException("migration " + id + " ended on Kafka but the service answers " + saga);
        }
        return saga;
    }

    private static JsonNode get(URI uri) throws Exception {
        return EventCodec.json().readTree(HTTP.send(HttpRequest.newBuilder(uri).header(TestTokens.AUTHORIZATION, TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static JsonNode post(URI uri, String json) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .header(TestTokens.AUTHORIZATION, TOKEN).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                return EventCodec.json().readTree(response.body());
            }
            if (response.statusCode() != 404 || attempt > 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            TimeUnit.MILLISECONDS.sleep(100); // the service's fleet view has not seen the VM yet
        }
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The most of the drain's migrations that were between admission and their end at one time. */
    private static int mostAtOnce(URI service, JsonNode drain) throws Exception {
        List<long[]> intervals = new ArrayList<>();
        for (JsonNode item : drain.path("items")) {
            JsonNode saga = get(service.resolve("/api/v1/migrations/" + item.path("migrationId").asString()));
            intervals.add(new long[] {Instant.parse(saga.path("startedAt").asString()).toEpochMilli(),
                    Instant.parse(saga.path("updatedAt").asString()).toEpochMilli()});
        }
        int most = 0;
        for (long[] a : intervals) {
            int at = 0;
            for (long[] b : intervals) {
                if (b[0] <= a[0] && a[0] < b[1]) {
                    at++;
                }
            }
            most = Math.max(most, at);
        }
        return most;
    }
}
