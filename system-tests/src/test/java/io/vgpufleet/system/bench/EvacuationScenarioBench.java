package io.vgpufleet.system.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.contracts.migration.MigrationProgressed;
import io.vgpufleet.sandbox.SandboxLayout;
import io.vgpufleet.sandbox.process.Ports;
import io.vgpufleet.system.ComponentProcess;
import io.vgpufleet.system.Http;
import io.vgpufleet.system.SystemUnderTest;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The scale scenario (issue 10), a benchmark main, not a test: a fleet simulator process with N hosts x 8 pGPUs
 * (a100x8), each pGPU carrying {@code vgpus-per-gpu} vGPUs held by VMs, the inventory, health and migration
 * services and a broker as in the system tests; then 1 % of the pGPUs get a double-bit ECC error at random
 * moments within one minute. It prints, per failed pGPU and as p50/p99: injection to the agent's signal, to the
 * cordon ({@code GpuCordonChanged} on Kafka), to the drain request, and to every vGPU's migration reaching a
 * terminal step (with the outcome counts), plus CPU and memory of each component and the machine.
 *
 * <pre>
 * mvn -B -pl system-tests -am -DskipTests install   (once: the jars)
 * mvn -B -pl system-tests exec:java ... or run the class from the test classpath:
 *   java -cp "$(cat system-tests/target/bench.classpath):system-tests/target/test-classes" \
 *     -Dvgpu.repo=$PWD [-Dvgpu.bench.fleet-wide=8] io.vgpufleet.system.bench.EvacuationScenarioBench \
 *     HOSTS [VGPUS_PER_GPU] [SEED] [memory|disk]
 * </pre>
 */
public final class EvacuationScenarioBench {

    private static final Duration FAULT_WINDOW = Duration.ofMinutes(1);
    /** How long each stage may take: 10 minutes unless {@code -Dvgpu.bench.stage-deadline=PT4M} says otherwise. */
    private static final Duration STAGE_DEADLINE = Duration.parse(System.getProperty("vgpu.bench.stage-deadline", "PT10M"));

    /**
     * The migration service's fleet-wide limit of concurrent migrations: its default (8) unless
     * {@code -Dvgpu.bench.fleet-wide=32} says otherwise (a fleet of thousands of hosts is run with more).
     */
    private static final int FLEET_WIDE_MIGRATIONS = Integer.parseInt(System.getProperty("vgpu.bench.fleet-wide", "8"));

    /** The per-source-host and per-target-host limits given to the migration service (its defaults). */
    private static final int PER_HOST_MIGRATIONS = 2;

    private EvacuationScenarioBench() {}

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int vgpusPerGpu = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 10L;
        String tree = args.length > 3 ? args[3] : "memory";
        EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:bench");
        SystemUnderTest system = SystemUnderTest.get();
        Map<String, ComponentProcess> services = new LinkedHashMap<>();
        services.put(Service.INVENTORY.module(), system.service(Service.INVENTORY));
        services.put(Service.HEALTH.module(), system.service(Service.HEALTH));
        services.put(Service.MIGRATION.module(), system.service(Service.MIGRATION,
                List.of("--vgpu.migration.concurrency.per-source-host=" + PER_HOST_MIGRATIONS,
                        "--vgpu.migration.concurrency.per-target-host=" + PER_HOST_MIGRATIONS,
                        "--vgpu.migration.concurrency.fleet-wide=" + FLEET_WIDE_MIGRATIONS)));
        Path repo = Path.of(System.getProperty("vgpu.repo", "..")).toAbsolutePath().normalize();
        int fleetPort = Ports.anyFree();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + FleetCostBench.fleetHeapMib(hosts, tree) + "m", "-XX:+UseSerialGC", "-jar",
                SandboxLayout.jarOf(repo, "node-agent").toString(), "--fleet=" + hosts, "--fleet-profile=a100x8",
                "--fleet-prefix=bench", "--fleet-vgpus-per-gpu=" + vgpusPerGpu,
                "--bootstrap-servers=" + system.bootstrapServers(),
                "--http-port=" + fleetPort, "--seed=" + seed,
                "--heartbeat=PT30S", "--health-poll=PT10S", "--report=PT30S"));
        command.addAll(FleetCostBench.treeOptions(tree, system.runDir().resolve("fleet")));
        Path fleetLog = system.runDir().resolve("logs").resolve("fleet.log");
        Instant fleetStart = Instant.now();
        Process fleet = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(fleetLog.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::destroyForcibly));
        try (KafkaConsumer<byte[], byte[]> reader = reader(system)) {
            // every host's snapshot with its vGPUs, and inventory's view of the last host
            Map<String, HostSnapshot> snapshots = new HashMap<>();
            Instant deadline = Instant.now().plus(STAGE_DEADLINE);
            while (snapshots.size() < hosts || !allPopulated(snapshots, vgpusPerGpu)) {
                if (!fleet.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("fleet not up (" + snapshots.size() + " hosts seen); see " + fleetLog);
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    if (decode(codec, record) instanceof HostSnapshot snapshot && snapshot.hostId().startsWith("bench-")) {
                        snapshots.put(snapshot.hostId(), snapshot);
                    }
                }
            }
            Duration fleetUp = Duration.between(fleetStart, Instant.now());
            String lastHost = String.format("bench-%05d", hosts);
            waitFor(() -> Http.get(services.get("inventory-service").url("/api/v1/hosts/" + lastHost)).status() == 200,
                    "inventory knows " + lastHost);
            // the pGPUs that fail: 1 % of all, at least one, chosen with the seed
            List<String[]> gpus = new ArrayList<>(); // host id, gpu uuid
            Map<String, List<String>> vgpusOf = new HashMap<>();
            for (HostSnapshot snapshot : new TreeMap<>(snapshots).values()) {
                for (PhysicalGpu gpu : snapshot.gpus()) {
                    gpus.add(new String[] {snapshot.hostId(), gpu.uuid()});
                    vgpusOf.put(gpu.uuid(), snapshot.vgpus().stream().filter(v -> v.gpuUuid().equals(gpu.uuid()))
                            .map(Vgpu::uuid).toList());
                }
            }
            Random random = new Random(seed);
            Collections.shuffle(gpus, random);
            int failing = Math.max(1, gpus.size() / 100);
            List<String[]> sick = gpus.subList(0, failing);
            // health must know where each sick pGPU's vGPUs are, or no drain follows the cordon
            for (String[] gpu : sick) {
                waitFor(() -> Http.get(services.get("health-service").url("/api/v1/gpus/" + gpu[1] + "/health"))
                        .body().contains("\"hostedVgpus\":" + vgpusPerGpu), "health knows the vGPUs of " + gpu[1]);
            }
            Map<String, Long> cpuBefore = cpu(services, fleet);
            Instant scenarioStart = Instant.now();

            Map<String, Instant> injected = new java.util.concurrent.ConcurrentHashMap<>();
            ScheduledExecutorService faults = Executors.newScheduledThreadPool(2);
            URI fleetUrl = URI.create("http://127.0.0.1:" + fleetPort);
            for (String[] gpu : sick) {
                long at = (long) (random.nextDouble() * FAULT_WINDOW.toMillis());
                faults.schedule(() -> {
                    Instant sent = Instant.now();
                    Http.Response response = Http.post(fleetUrl.resolve("/sim/gpus/" + gpu[1] + "/faults"),
                            "{\"kind\":\"double-bit-ecc\"}");
                    injected.put(gpu[1], sent);
                    if (response.status() != 202) {
                        System.err.println("fault on " + gpu[1] + " refused: " + response.status() + " " + response.body());
                    }
                }, at, TimeUnit.MILLISECONDS);
            }
            Map<String, Instant> signalled = new HashMap<>();
            Map<String, Instant> signalSent = new HashMap<>();
            Map<String, Instant> cordoned = new HashMap<>();
            Map<String, Instant> drainRequested = new HashMap<>();
            Map<String, Instant> vgpuDone = new HashMap<>();
            Map<String, String> vgpuOutcome = new HashMap<>();
            Map<String, String> gpuOfVgpu = new HashMap<>();
            for (String[] gpu : sick) {
                vgpusOf.get(gpu[1]).forEach(vgpu -> gpuOfVgpu.put(vgpu, gpu[1]));
            }
            deadline = Instant.now().plus(FAULT_WINDOW).plus(STAGE_DEADLINE);
            while ((cordoned.size() < failing || vgpuDone.size() < gpuOfVgpu.size()) && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    // each stage at the time its component says it happened (the payload's), all on this machine's
                    // clock: record timestamps will not do, Kafka Streams gives an output its input's timestamp
                    Object payload = decode(codec, record);
                    if (payload instanceof EccErrorsObserved ecc && injected.containsKey(ecc.gpuUuid())
                            && ecc.counters().uncorrectedVolatile() > 0) {
                        signalled.putIfAbsent(ecc.gpuUuid(), ecc.observedAt());
                        // the producer's CreateTime: when the agent sent it (the fleet's record, not a stream's)
                        signalSent.putIfAbsent(ecc.gpuUuid(), Instant.ofEpochMilli(record.timestamp()));
                    } else if (payload instanceof GpuCordonChanged cordon && cordon.cordoned()
                            && injected.containsKey(cordon.gpuUuid())) {
                        cordoned.putIfAbsent(cordon.gpuUuid(), cordon.changedAt());
                    } else if (payload instanceof DrainRequested drain && injected.containsKey(drain.gpuUuid())) {
                        drainRequested.putIfAbsent(drain.gpuUuid(), drain.requestedAt());
                    } else if (payload instanceof MigrationProgressed progress
                            && gpuOfVgpu.containsKey(progress.vgpuUuid()) && progress.step().terminal()) {
                        vgpuDone.putIfAbsent(progress.vgpuUuid(), progress.at());
                        vgpuOutcome.putIfAbsent(progress.vgpuUuid(), progress.step() + ": " + progress.detail());
                    }
                }
            }
            Duration scenario = Duration.between(scenarioStart, Instant.now());
            Map<String, Long> cpuAfter = cpu(services, fleet);
            faults.shutdownNow();

            List<Long> toSignal = new ArrayList<>();
            List<Long> toSignalSent = new ArrayList<>();
            List<Long> toCordon = new ArrayList<>();
            List<Long> toDrain = new ArrayList<>();
            List<Long> toEvacuated = new ArrayList<>();
            for (String[] gpu : sick) {
                Instant start = injected.get(gpu[1]);
                if (start == null) {
                    continue;
                }
                add(toSignal, start, signalled.get(gpu[1]));
                add(toSignalSent, start, signalSent.get(gpu[1]));
                add(toCordon, start, cordoned.get(gpu[1]));
                add(toDrain, start, drainRequested.get(gpu[1]));
                List<String> vgpus = vgpusOf.get(gpu[1]);
                if (!vgpus.isEmpty() && vgpus.stream().allMatch(vgpuDone::containsKey)) {
                    Instant last = vgpus.stream().map(vgpuDone::get).max(Instant::compareTo).orElseThrow();
                    add(toEvacuated, start, last);
                }
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            vgpuOutcome.values().forEach(outcome -> outcomes.merge(outcome.split(":")[0], 1, Integer::sum));
            double[] load = loadAverage();
            System.out.printf(Locale.ROOT, "%nEvacuation scenario: %d hosts x 8 pGPUs (a100x8), %d vGPU(s) per pGPU, seed %d%n",
                    hosts, vgpusPerGpu, seed);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s; load average %.2f %.2f %.2f%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                    System.getProperty("java.version"), load[0], load[1], load[2]);
            System.out.printf(Locale.ROOT, "migration limits: %d per source host, %d per target host, %d fleet-wide%n",
                    PER_HOST_MIGRATIONS, PER_HOST_MIGRATIONS, FLEET_WIDE_MIGRATIONS);
            System.out.printf(Locale.ROOT, "fleet up (every host's populated snapshot on Kafka) in %d s%n", fleetUp.toSeconds());
            System.out.printf(Locale.ROOT, "%d pGPUs failed (1 %% of %d) within %d s; scenario ran %d s%n", injected.size(),
                    gpus.size(), FAULT_WINDOW.toSeconds(), scenario.toSeconds());
            stage("injection -> health signal observed (its observedAt)", toSignal, injected.size());
            stage("injection -> health signal sent (its record's CreateTime)", toSignalSent, injected.size());
            stage("injection -> cordoned (GpuCordonChanged)", toCordon, injected.size());
            stage("injection -> drain requested", toDrain, injected.size());
            stage("injection -> all its vGPUs' migrations terminal", toEvacuated, injected.size());
            System.out.printf("migrations: %d of %d vGPUs reached a terminal step; outcomes %s%n", vgpuDone.size(),
                    gpuOfVgpu.size(), outcomes);
            vgpuOutcome.values().stream().filter(outcome -> !outcome.startsWith("COMPLETED")).distinct().limit(5)
                    .forEach(outcome -> System.out.println("  e.g. " + outcome));
            System.out.println("component cost over the scenario (CPU: share of one core; RSS at the end):");
            for (String name : cpuAfter.keySet()) {
                double cores = (cpuAfter.get(name) - cpuBefore.getOrDefault(name, 0L)) / 1e9 / Math.max(1, scenario.toSeconds());
                System.out.printf(Locale.ROOT, "  %-20s cpu %.2f cores, rss %d MiB%n", name, cores, rss(name, services, fleet));
            }
            System.out.println("fleet's own report: " + Http.get(fleetUrl.resolve("/fleet")).body().trim());
        } finally {
            fleet.destroy();
            fleet.waitFor(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static boolean allPopulated(Map<String, HostSnapshot> snapshots, int vgpusPerGpu) {
        return snapshots.values().stream().allMatch(s -> s.vgpus().size() >= s.gpus().size() * vgpusPerGpu);
    }

    private static void add(List<Long> stage, Instant start, Instant end) {
        if (end != null) {
            stage.add(Math.max(0, Duration.between(start, end).toMillis()));
        }
    }

    private static void stage(String name, List<Long> millis, int of) {
        if (millis.isEmpty()) {
            System.out.printf("  %-50s none of %d reached%n", name, of);
            return;
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-50s %d of %d; p50 %d ms, p99 %d ms, max %d ms%n", name, sorted.size(), of,
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static long percentile(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static Object decode(EventCodec codec, ConsumerRecord<byte[], byte[]> record) {
        try {
            return codec.decode(record.topic(), record.headers(), record.value()).payload();
        } catch (MalformedRecordException e) {
            return null;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(STAGE_DEADLINE);
        while (!answered(condition)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            Thread.sleep(500); // a bench main polling the services, not a test's synchronisation
        }
    }

    /** A service too busy to answer one poll in time (a 10,000-host fleet starting) is "not yet", not the end. */
    private static boolean answered(java.util.function.BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (java.io.UncheckedIOException e) {
            System.err.println("bench: a poll went unanswered (" + e.getCause() + "); polling on");
            return false;
        }
    }

    private static KafkaConsumer<byte[], byte[]> reader(SystemUnderTest system) {
        KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<TopicPartition> partitions = new ArrayList<>();
        for (var topic : List.of(TopicCatalogue.HOST_SNAPSHOTS, TopicCatalogue.HEALTH_SIGNALS, TopicCatalogue.GPU_CORDONS,
                TopicCatalogue.DRAIN_REQUESTS, TopicCatalogue.MIGRATION_PROGRESS)) {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        reader.assign(partitions);
        reader.seekToEnd(partitions);
        partitions.forEach(reader::position);
        return reader;
    }

    /** CPU nanoseconds so far of each service process and of the fleet, by name. */
    private static Map<String, Long> cpu(Map<String, ComponentProcess> services, Process fleet) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        for (String name : services.keySet()) {
            processOf(name).ifPresent(process -> cpu.put(name,
                    process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)));
        }
        cpu.put("fleet (node-agent)", fleet.info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
        cpu.put("broker + bench JVM", ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime());
        return cpu;
    }

    private static java.util.Optional<ProcessHandle> processOf(String module) {
        return ProcessHandle.current().children().filter(child -> child.info().commandLine().orElse("")
                .contains(module + "-")).findFirst();
    }

    private static long rss(String name, Map<String, ComponentProcess> services, Process fleet) {
        long pid;
        if (services.containsKey(name)) {
            pid = processOf(name).map(ProcessHandle::pid).orElse(-1L);
        } else if (name.startsWith("fleet")) {
            pid = fleet.pid();
        } else {
            pid = ProcessHandle.current().pid();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    private static double[] loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
        } catch (java.io.IOException e) {
            return new double[] {-1, -1, -1};
        }
    }
}
