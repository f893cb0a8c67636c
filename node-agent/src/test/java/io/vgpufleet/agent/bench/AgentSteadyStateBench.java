package io.vgpufleet.agent.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.messaging.TopicCatalogue;
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
 * {@code VGPU_AGENT_<NAME>}) changes the agent's settings for a comparison.
 */
public final class AgentSteadyStateBench {

    /** The agent's flags in production: deploy/systemd/node-agent.env's JAVA_OPTS, the sandbox's AGENT_JVM_OPTIONS. */
    static final List<String> DEFAULT_FLAGS = List.of("-Xmx24m", "-Xms8m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=64m",
            "-XX:CICompilerCount=1", "-Xshare:auto", "-XX:TrimNativeHeapInterval=5000");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private AgentSteadyStateBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        List<String> flags = args.length > 1 ? List.of(args).subList(1, args.length) : DEFAULT_FLAGS;
        int warmUp = Math.min(20, seconds / 3);
        Path jar = Path.of("node-agent/target/node-agent-0.1.0-SNAPSHOT.jar");
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
                double wall = (System.nanoTime() - wallAtWarm) / 1e9;
                long rss = statusKib(pid, "VmRSS:");
                long firstSnapshot = firstSnapshotTimestamp(broker.getBrokersAsString());
                System.out.printf("machine: %d cores, %s %s, JVM %s%n", Runtime.getRuntime().availableProcessors(),
                        System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
                String healthPoll = System.getenv().getOrDefault("VGPU_AGENT_HEALTH_POLL", "PT0.25S (the default)");
                System.out.printf("agent: java %s -jar node-agent.jar --simulate=a100x8 (8 pGPUs, discovery every 1 s, "
                        + "health every %s)%n", String.join(" ", flags), healthPoll);
                System.out.printf("steady state over %.0f s after %d s warm-up: VmRSS %.1f MiB (max %.1f MiB), "
                        + "VmHWM %.1f MiB, threads %d, CPU %.2f %% of one core%n", wall, warmUp, rss / 1024.0,
                        maxRss / 1024.0, statusKib(pid, "VmHWM:") / 1024.0, statusKib(pid, "Threads:"),
                        100.0 * ticks / TICKS_PER_SECOND / wall);
                System.out.printf("first snapshot on Kafka: %d ms after the process was started%n",
                        firstSnapshot - startedAt);
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
