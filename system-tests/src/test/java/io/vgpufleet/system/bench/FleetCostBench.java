package io.vgpufleet.system.bench;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.sandbox.SandboxLayout;
import io.vgpufleet.sandbox.process.Ports;
import io.vgpufleet.system.Http;
import io.vgpufleet.system.SystemUnderTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The fleet simulator's own cost, a benchmark main: a broker (as in the system tests, no services), a fleet
 * process of N hosts, the time until every host's first snapshot is on Kafka, then the fleet's own report
 * ({@code GET /fleet}: CPU share of a core, heap after GC, RSS) over a steady minute of heartbeats and polls.
 *
 * <pre>
 * java -cp "$(cat system-tests/target/bench.classpath):system-tests/target/test-classes" -Dvgpu.repo=$PWD \
 *   io.vgpufleet.system.bench.FleetCostBench HOSTS [PROFILE] [VGPUS_PER_GPU]
 * </pre>
 */
public final class FleetCostBench {

    private FleetCostBench() {}

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String profile = args.length > 1 ? args[1] : "a100x8";
        int vgpus = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        String tree = args.length > 3 ? args[3] : "memory";
        SystemUnderTest system = SystemUnderTest.get();
        Path repo = Path.of(System.getProperty("vgpu.repo", "..")).toAbsolutePath().normalize();
        int port = Ports.anyFree();
        Path log = system.runDir().resolve("logs").resolve("fleet.log");
        Instant started = Instant.now();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + fleetHeapMib(hosts, tree) + "m", "-XX:+UseSerialGC", "-jar",
                SandboxLayout.jarOf(repo, "node-agent").toString(), "--fleet=" + hosts, "--fleet-profile=" + profile,
                "--fleet-prefix=cost", "--fleet-vgpus-per-gpu=" + vgpus, "--bootstrap-servers=" + system.bootstrapServers(),
                "--http-port=" + port, "--heartbeat=PT30S", "--health-poll=PT10S", "--report=PT60S"));
        command.addAll(treeOptions(tree, system.runDir().resolve("fleet")));
        Process fleet = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::destroyForcibly));
        EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:bench");
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < TopicCatalogue.PARTITIONS; p++) {
                partitions.add(new TopicPartition(TopicCatalogue.HOST_SNAPSHOTS.name(), p));
            }
            reader.assign(partitions);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(20));
            while (seen.size() < hosts) {
                if (!fleet.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("fleet not up: " + seen.size() + " hosts seen; see " + log);
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    try {
                        if (codec.decode(record.topic(), record.headers(), record.value()).payload()
                                instanceof HostSnapshot snapshot) {
                            seen.add(snapshot.hostId());
                        }
                    } catch (MalformedRecordException e) {
                        // not the fleet's
                    }
                }
            }
        }
        Duration up = Duration.between(started, Instant.now());
        URI report = URI.create("http://127.0.0.1:" + port + "/fleet");
        Http.get(report); // the report's window starts now
        fleet.waitFor(60, TimeUnit.SECONDS); // a steady minute (the fleet keeps running)
        // a full collection first, so that "heap after GC" is the live heap and not what an old generation that was
        // never collected still holds
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(fleet.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        String steady = Http.get(report).body().trim();
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        System.out.printf("%nFleet cost: %d hosts of %s, %d vGPU(s) per pGPU, %s tree, -Xmx%dm; %d cores, Java %s%n",
                hosts, profile, vgpus, tree, fleetHeapMib(hosts, tree), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.printf("every host's first snapshot on Kafka %d s after the process started%n", up.toSeconds());
        System.out.println("steady minute (heartbeat PT30S, health poll PT10S): " + steady);
        System.out.println("load average at the end: " + load);
        fleet.destroy();
        fleet.waitFor(10, TimeUnit.SECONDS);
        System.exit(0);
    }

    /**
     * The fleet's heap: half a MiB per host on disk (measured 90 MiB live per 1,000 hosts), one MiB per host in
     * memory (the trees add about 255 KiB per a100x8 host); {@code -Dvgpu.fleet.xmx=MiB} overrides it.
     */
    static int fleetHeapMib(int hosts, String tree) {
        String given = System.getProperty("vgpu.fleet.xmx");
        if (given != null) {
            return Integer.parseInt(given);
        }
        return "disk".equals(tree) ? Math.max(256, hosts / 2) : Math.max(512, hosts);
    }

    /** The fleet's tree option: {@code memory} (the fleet's default) or {@code disk} under {@code dir}. */
    static List<String> treeOptions(String tree, Path dir) {
        return switch (tree) {
            case "memory" -> List.of("--fleet-tree=memory");
            case "disk" -> List.of("--fleet-tree=disk", "--sysfs-root=" + dir);
            default -> throw new IllegalArgumentException("tree must be memory or disk, was " + tree);
        };
    }
}
