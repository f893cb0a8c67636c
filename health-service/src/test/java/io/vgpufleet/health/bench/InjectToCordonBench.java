package io.vgpufleet.health.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.contracts.messaging.TopicProvisioner;
import io.vgpufleet.health.policy.HealthPolicy;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.health.streams.HealthProperties;
import io.vgpufleet.health.streams.HealthStreams;
import io.vgpufleet.health.streams.HealthStreamsConfiguration;
import io.vgpufleet.health.streams.HealthTopology;
import io.vgpufleet.service.messaging.KafkaClientSecurity;
import io.vgpufleet.testing.BenchMachine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A benchmark, not a test: the time from a fault injected into a simulated host to the pGPU's
 * {@code GpuCordonChanged} readable on Kafka ({@code read_committed}, as placement reads it), p50/p99 over
 * many injections, for the NVML-event path and for the polling path.
 *
 * <p>In this JVM: a KRaft broker (transaction log replicated once) and the health topology run by
 * {@link HealthStreams} with the production stream settings ({@code HealthStreamsConfiguration.streamsConfig}
 * with the service's defaults: {@code exactly_once_v2}, commit interval 100 ms, poll 10 ms, one stream
 * thread). As child processes: node agents from {@code node-agent/target/node-agent-*.jar}
 * ({@code --simulate=t4}: four Tesla T4 each, health poll every 250 ms, the agent's default), faults injected
 * over their {@code POST /sim/gpus/{uuid}/faults}. One driver thread per pGPU runs cycles of: inject, wait for
 * the cordon (the measured latency), inject a reset, wait for the policy's uncordon.
 *
 * <ul>
 *   <li><b>event path</b>: {@code double-bit-ecc}; the agent's NVML events thread publishes at once.
 *   <li><b>poll path</b>: {@code page-retirement-pending}; its only event is Xid 63, which this bench's policy
 *       maps to no verdict, so the cordon comes from the poll's {@code PagesRetired(pending)}.
 * </ul>
 * The bench's policy differs from the defaults only where cycling needs it: hysteresis 1 ms (so a reset
 * recovers at the next tick), no flapping hold, no retired-pages threshold, Xid 63 decides nothing. The
 * measured path (signal to verdict to cordon) is the production one.
 *
 * <pre>
 * mvn -o -q -pl node-agent package -DskipTests
 * mvn -o -q -pl health-service test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "health-service/target/test-classes:health-service/target/classes:$(cat health-service/target/cp.txt)" \
 *     io.vgpufleet.health.bench.InjectToCordonBench [injections per path, 1000] [agents, 4]
 * </pre>
 */
public final class InjectToCordonBench {

    /** The service's defaults (guarantee, commit and poll intervals); application id and state dir are the bench's. */
    private static final HealthProperties.Streams STREAM_SETTINGS = new HealthProperties.Streams();

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:bench");
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
    private volatile boolean reading = true;

    private InjectToCordonBench(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    public static void main(String[] args) throws Exception {
        int injections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int agents = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path jar = Files.list(Path.of("node-agent/target"))
                .filter(path -> path.getFileName().toString().matches("node-agent-.*\\.jar"))
                .findFirst().orElseThrow(() -> new IllegalStateException("build node-agent first: no jar in node-agent/target"));
        Path root = Files.createTempDirectory("inject-to-cordon");
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.afterPropertiesSet();
        List<Process> processes = new ArrayList<>();
        HealthStreams streams = null;
        try {
            String bootstrap = broker.getBrokersAsString();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, (short) 1).provision();
            }
            InjectToCordonBench bench = new InjectToCordonBench(bootstrap);
            streams = bench.startTopology(root.resolve("streams"));
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (int n = 1; n <= agents; n++) {
                String hostId = String.format("bench-%02d", n);
                int port = freePort();
                processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx96m", "-jar", jar.toString(), "--host-id=" + hostId, "--bootstrap-servers=" + bootstrap,
                        "--http-port=" + port, "--sysfs-root=" + root.resolve(hostId), "--simulate=t4",
                        "--seed=" + n)
                        .redirectErrorStream(true).redirectOutput(root.resolve(hostId + ".log").toFile()).start());
                ports.put(hostId, port);
            }
            Map<String, String> gpus = bench.gpusOf(ports); // pGPU UUID -> agent URL
            Thread reader = new Thread(bench::readCordons, "cordon-reader");
            reader.setDaemon(true);
            reader.start();
            awaitRunning(streams);

            System.out.println(BenchMachine.describe());
            System.out.printf("fleet: %d agents x 4 Tesla T4 = %d pGPUs, the agent's default health poll (250 ms);"
                    + " topology with the service's stream settings (%s, commit interval %d ms, poll %d ms), tick"
                    + " 100 ms%n", agents, gpus.size(), STREAM_SETTINGS.getProcessingGuarantee(),
                    STREAM_SETTINGS.getCommitInterval().toMillis(), STREAM_SETTINGS.getPollInterval().toMillis());
            bench.run("warm-up (event path)", "{\"kind\":\"double-bit-ecc\"}", gpus, gpus.size() * 2);
            bench.run("event path: double-bit-ecc -> NVML event -> EccErrorsObserved -> FAILED -> cordon",
                    "{\"kind\":\"double-bit-ecc\"}", gpus, injections);
            bench.run("poll path: page-retirement-pending -> health poll -> PagesRetired -> DRAINING -> cordon",
                    "{\"kind\":\"page-retirement-pending\"}", gpus, injections);
            bench.reading = false;
        } finally {
            if (streams != null) {
                streams.stop();
            }
            for (Process process : processes) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            broker.destroy();
            try (var walk = Files.walk(root)) {
                for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private HealthStreams startTopology(Path stateDir) {
        Map<Integer, GpuHealth> xids = new LinkedHashMap<>(HealthPolicy.defaultXidVerdicts());
        xids.remove(63);
        HealthPolicy policy = new HealthPolicy(Integer.MAX_VALUE, Long.MAX_VALUE, Duration.ofHours(1),
                Duration.ofMillis(1), Integer.MAX_VALUE, Duration.ofMillis(1), Duration.ofMillis(1), true, xids);
        STREAM_SETTINGS.setApplicationId("inject-to-cordon-bench");
        STREAM_SETTINGS.setStateDir(stateDir.toString());
        Properties config = HealthStreamsConfiguration.streamsConfig(STREAM_SETTINGS, bootstrap,
                KafkaClientSecurity.none());
        HealthStreams streams = new HealthStreams(HealthTopology.build(new HealthPolicyEngine(policy), codec,
                Duration.ofMillis(100), new HealthTopology.Listener() {}), config, new SimpleMeterRegistry());
        streams.start();
        return streams;
    }

    private static void awaitRunning(HealthStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.streamsState() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the topology did not reach RUNNING: " + streams.streamsState());
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling a state, not synchronising a test
        }
    }

    /** Every pGPU of every agent, from the agents' host snapshots on Kafka. */
    private Map<String, String> gpusOf(Map<String, Integer> ports) {
        Map<String, String> gpus = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_uncommitted")) {
            List<TopicPartition> partitions = partitions(consumer, TopicCatalogue.HOST_SNAPSHOTS.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (seen.size() < ports.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("agents without a snapshot after 120 s; saw " + seen);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (codec.decode(record.topic(), record.headers(), record.value()).payload()
                                instanceof HostSnapshot snapshot && ports.containsKey(snapshot.hostId())
                                && seen.add(snapshot.hostId())) {
                            for (PhysicalGpu gpu : snapshot.gpus()) {
                                gpus.put(gpu.uuid(), "http://127.0.0.1:" + ports.get(snapshot.hostId()));
                            }
                        }
                    } catch (MalformedRecordException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return gpus;
    }

    /** Reads the cordon topic as placement does and completes whoever waits for that pGPU's change. */
    private void readCordons() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed")) {
            List<TopicPartition> partitions = partitions(consumer, TopicCatalogue.GPU_CORDONS.name());
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (reading) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long at = System.nanoTime();
                    try {
                        if (codec.decode(record.topic(), record.headers(), record.value()).payload()
                                instanceof GpuCordonChanged change && change.actor().startsWith("policy:")) {
                            CompletableFuture<Long> waiter = waiting.get(change.gpuUuid() + "/" + change.cordoned());
                            if (waiter != null) {
                                waiter.complete(at);
                            }
                        }
                    } catch (MalformedRecordException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    private void run(String name, String fault, Map<String, String> gpus, int injections) throws Exception {
        AtomicInteger left = new AtomicInteger(injections);
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        ExecutorService drivers = Executors.newFixedThreadPool(gpus.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            gpus.forEach((gpu, agent) -> done.add(drivers.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    latencies.add(cycle(gpu, agent, fault));
                }
                return null;
            })));
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            drivers.shutdownNow();
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%s%n  load average (1/5/15 min) %s%n", name, Files.readString(Path.of("/proc/loadavg"), UTF_8).strip());
        System.out.printf("  %d injections in %.1f s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, "
                        + "min %.1f ms, mean %.1f ms%n", sorted.length, (System.nanoTime() - started) / 1e9,
                millis(percentile(sorted, 0.50)), millis(percentile(sorted, 0.90)), millis(percentile(sorted, 0.99)),
                millis(sorted[sorted.length - 1]), millis(sorted[0]), millis((long) Arrays.stream(sorted).average().orElse(0)));
    }

    /** Inject, await the cordon (measured), reset, await the uncordon; answers the inject-to-cordon nanos. */
    private long cycle(String gpu, String agent, String fault) throws Exception {
        CompletableFuture<Long> cordoned = new CompletableFuture<>();
        waiting.put(gpu + "/true", cordoned);
        long injectedAt = System.nanoTime();
        inject(agent, gpu, fault);
        long latency = cordoned.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) - injectedAt;
        CompletableFuture<Long> uncordoned = new CompletableFuture<>();
        waiting.put(gpu + "/false", uncordoned);
        inject(agent, gpu, "{\"kind\":\"reset\"}");
        uncordoned.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return latency;
    }

    private void inject(String agent, String gpu, String fault) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(agent + "/sim/gpus/" + gpu + "/faults"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(fault, UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("injecting " + fault + " into " + gpu + ": " + response.statusCode() + " "
                    + response.body());
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
