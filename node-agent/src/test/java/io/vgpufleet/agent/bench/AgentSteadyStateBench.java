package io.vgpufleet.agent.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.testing.BenchMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A benchmark, not a test: the agent's steady state. A KRaft broker runs in this JVM; the agent runs as
 * a child process ({@code java <flags> -jar node-agent/target/node-agent-0.1.0-SNAPSHOT.jar
 * --simulate=a100x8}: 8 pGPUs, discovery every second, health counters every 250 ms, the agent's
 * defaults), so its figures are its own:
 * VmRSS from {@code /proc/<pid>/status} after the warm-up, CPU % of one core from {@code
 * /proc/<pid>/stat} (utime + stime delta over wall time) and the time from the process's start to the
 * first snapshot on Kafka (the record's producer timestamp).
 *
 * <pre>
 * mvn -B -q -pl node-agent -am install -DskipTests
 * mvn -B -q -pl node-agent test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java [-Dbench.agent.launch="-cp JARS io.vgpufleet.agent.NodeAgent"] \
 *     -cp "node-agent/target/test-classes:node-agent/target/classes:$(cat node-agent/target/cp.txt)" \
 *     io.vgpufleet.agent.bench.AgentSteadyStateBench [seconds, 60] [JVM flags for the agent instead of DEFAULT_FLAGS...]
 * </pre>
 * The agent inherits the bench's environment, so {@code VGPU_AGENT_HEALTH_POLL=PT1S} (or any agent option as
 * {@code VGPU_AGENT_<NAME>}) changes the agent's settings for a comparison. Without flags the agent runs with
 * the {@code JAVA_OPTS} of deploy/systemd/node-agent.env (the unit's own list, read from there).
 * {@code -Dbench.warmup=SECONDS} sets the warm-up (default: a third of the run, at most 20 s).
 * {@code -Dbench.agent.jar=PATH} runs another build of the agent (an older commit's jar beside the new one).
 *
 * <p>Besides VmRSS it prints {@code /proc/<pid>/smaps_rollup} (Rss, Pss: the agent's share of pages it maps
 * with other processes, such as the JDK's libraries and CDS archive), the CPU of each of the agent's threads
 * over the steady state ({@code /proc/<pid>/task/<tid>/stat}) and the load average at start and end.
 */
public final class AgentSteadyStateBench {

    /** The agent's flags in production: the {@code JAVA_OPTS} of deploy/systemd/node-agent.env, read from there. */
    static final Path UNIT_ENVIRONMENT = Path.of("deploy/systemd/node-agent.env");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private AgentSteadyStateBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        List<String> flags = args.length > 1 ? List.of(args).subList(1, args.length) : unitFlags();
        int warmUp = Integer.getInteger("bench.warmup", Math.min(20, seconds / 3));
        Path jar = Path.of(System.getProperty("bench.agent.jar", "node-agent/target/node-agent-0.1.0-SNAPSHOT.jar"));
        String loadAtStart = loadAverage();
        Path root = Files.createTempDirectory("agent-steady");
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.afterPropertiesSet();
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(flags);
            String launch = System.getProperty("bench.agent.launch");
            command.addAll(launch == null ? List.of("-jar", jar.toString()) : List.of(launch.split(" ")));
            command.addAll(List.of("--host-id=bench-01",
                    "--bootstrap-servers=" + broker.getBrokersAsString(), "--http-port=0",
                    "--sysfs-root=" + root.resolve("sys"), "--simulate=a100x8", "--seed=1"));
            long startedAt = System.currentTimeMillis();
            Process agent = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(root.resolve("agent.log").toFile()).start();
            long pid = agent.pid();
            try {
                TimeUnit.SECONDS.sleep(warmUp);
                Map<String, Long> threadsAtWarm = threadTicks(pid);
                long ticksAtWarm = cpuTicks(pid);
                long wallAtWarm = System.nanoTime();
                long maxRss = 0;
                for (int s = warmUp; s < seconds; s++) {
                    TimeUnit.SECONDS.sleep(1);
                    maxRss = Math.max(maxRss, statusKib(pid, "VmRSS:"));
                    if (!agent.isAlive()) {
                        throw new IllegalStateException("the agent stopped; see " + root.resolve("agent.log"));
                    }
                }
                long ticks = cpuTicks(pid) - ticksAtWarm;
                Map<String, Long> threadsAtEnd = threadTicks(pid);
                Map<String, Long> smaps = smapsRollupKib(pid);
                double wall = (System.nanoTime() - wallAtWarm) / 1e9;
                long rss = statusKib(pid, "VmRSS:");
                long firstSnapshot = firstSnapshotTimestamp(broker.getBrokersAsString());
                System.out.println(BenchMachine.describe());
                String healthPoll = System.getenv().getOrDefault("VGPU_AGENT_HEALTH_POLL", "PT0.25S (the default)");
                String launched = launch == null ? "-jar " + jar.getFileName() : launch.replaceAll("-cp \\S+", "-cp <jars>");
                System.out.printf("agent: java %s %s --simulate=a100x8 (8 pGPUs, discovery every 1 s, "
                        + "health every %s)%n", String.join(" ", flags), launched, healthPoll);
                System.out.printf("steady state over %.0f s after %d s warm-up: VmRSS %.1f MiB (max %.1f MiB), "
                        + "VmHWM %.1f MiB, threads %d, CPU %.2f %% of one core%n", wall, warmUp, rss / 1024.0,
                        maxRss / 1024.0, statusKib(pid, "VmHWM:") / 1024.0, statusKib(pid, "Threads:"),
                        100.0 * ticks / TICKS_PER_SECOND / wall);
                System.out.printf("smaps_rollup: Rss %.1f MiB, Pss %.1f MiB (Pss_Anon %.1f, Pss_File %.1f), "
                        + "Private_Dirty %.1f MiB, Shared_Clean %.1f MiB; RssAnon %.1f MiB, RssFile %.1f MiB%n",
                        smaps.getOrDefault("Rss", -1L) / 1024.0, smaps.getOrDefault("Pss", -1L) / 1024.0,
                        smaps.getOrDefault("Pss_Anon", -1L) / 1024.0, smaps.getOrDefault("Pss_File", -1L) / 1024.0,
                        smaps.getOrDefault("Private_Dirty", -1L) / 1024.0, smaps.getOrDefault("Shared_Clean", -1L) / 1024.0,
                        statusKib(pid, "RssAnon:") / 1024.0, statusKib(pid, "RssFile:") / 1024.0);
                System.out.printf("first snapshot on Kafka: %d ms after the process was started%n",
                        firstSnapshot - startedAt);
                System.out.printf("CPU by thread over the steady state (%% of one core):%n");
                threadsAtEnd.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - threadsAtWarm.getOrDefault(e.getKey(), 0L)))
                        .filter(e -> e.getValue() > 0)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .forEach(e -> System.out.printf("  %6.3f %%  %s%n", 100.0 * e.getValue() / TICKS_PER_SECOND / wall,
                                e.getKey()));
                System.out.printf("load average: %s at start, %s at end%n", loadAtStart, loadAverage());
            } finally {
                agent.destroy();
                if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }
        } finally {
            broker.destroy();
            try (var walk = Files.walk(root)) {
                for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static long firstSnapshotTimestamp(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicCatalogue.HOST_SNAPSHOTS.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long first = Long.MAX_VALUE;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (first == Long.MAX_VALUE && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    first = Math.min(first, record.timestamp());
                }
            }
            return first;
        }
    }

    /** JAVA_OPTS of the unit's environment file, split at blanks as systemd splits {@code $JAVA_OPTS}. */
    static List<String> unitFlags() throws IOException {
        return Files.readAllLines(UNIT_ENVIRONMENT, UTF_8).stream()
                .filter(line -> line.startsWith("JAVA_OPTS="))
                .findFirst()
                .map(line -> List.of(line.substring("JAVA_OPTS=".length()).strip().split("\\s+")))
                .orElseThrow(() -> new IllegalStateException("no JAVA_OPTS in " + UNIT_ENVIRONMENT));
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg"), UTF_8).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    /** utime + stime of every thread, by "name (tid)" (threads that ended are not counted). */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"), UTF_8);
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(name + " (" + task.getFileName() + ")", Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return ticks;
    }

    private static Map<String, Long> smapsRollupKib(long pid) throws IOException {
        Map<String, Long> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"), UTF_8)) {
            String[] parts = line.split(":\\s+");
            if (parts.length == 2 && parts[1].endsWith(" kB")) {
                fields.put(parts[0], Long.parseLong(parts[1].substring(0, parts[1].length() - 3).strip()));
            }
        }
        return fields;
    }

    /** utime + stime of the process, in clock ticks (fields 14 and 15 of {@code /proc/<pid>/stat}). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), UTF_8);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long statusKib(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), UTF_8).stream()
                .filter(line -> line.startsWith(field))
                .mapToLong(line -> Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]))
                .findFirst().orElse(-1);
    }
}
