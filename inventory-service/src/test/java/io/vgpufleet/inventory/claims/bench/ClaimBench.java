package io.vgpufleet.inventory.claims.bench;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.inventory.InventoryServiceApplication;
import io.vgpufleet.inventory.claims.streams.ClaimStreams;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.BenchMachine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.tools.ProducerPerformance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Benchmark main (not a test): Kafka's own {@code ProducerPerformance} ({@code acks=all}, records the size of
 * a claim command) on an in-JVM KRaft broker, then claims per second and claim latency through the whole claim
 * path on the same broker ({@code POST /api/v1/claims} on one inventory-service instance: placement, directory
 * check, command to Kafka, the Kafka Streams ledger under exactly_once_v2, the outcome back through the claim
 * topic), and the ratio. Prints the machine. Run with the test classpath:
 *
 * <pre>{@code
 * mvn -o -q -pl inventory-service dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -Xmx3g -cp inventory-service/target/test-classes:inventory-service/target/classes:$(cat /tmp/cp.txt) \
 *     io.vgpufleet.inventory.claims.bench.ClaimBench [claims] [concurrency] [producer records]
 * }</pre>
 */
public final class ClaimBench {

    private static final String TYPE = "nvidia-700";
    private static final int HOSTS = 500;
    private static final int GPUS = 8;
    private static final int PER_GPU = 16;
    /** The ledger-path phase's hosts: a type of their own, so the HTTP run's placement never proposes them. */
    private static final String LEDGER_HOST = "ledger-%04d";
    private static final String LEDGER_TYPE = "nvidia-701";
    private static final int LEDGER_HOST_INDEX = 0x10000;

    /*
     * Every service is an OAuth2 resource server: reads need a viewer token, writes an operator token. The
     * test-jar of service-support on the classpath gives the started context the key of TestTokens
     * (TestKeyEnvironment), as for the ITs; one token per role serves the whole run (valid for an hour).
     */
    private static final String VIEWER = TestTokens.bearer(TestTokens.VIEWER);
    private static final String OPERATOR = TestTokens.bearer(TestTokens.OPERATOR);

    private ClaimBench() {}

    public static void main(String[] args) throws Exception {
        int claims = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int producerRecords = args.length > 2 ? Integer.parseInt(args[2]) : 500_000;
        int warmUp = Math.min(2_000, claims / 5);
        if (claims + warmUp > HOSTS * GPUS * PER_GPU) {
            throw new IllegalArgumentException("at most " + (HOSTS * GPUS * PER_GPU - warmUp) + " claims fit the fleet");
        }
        machine();
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.afterPropertiesSet();
        String bootstrap = broker.getBrokersAsString();
        double rawRate = rawProducer(bootstrap, producerRecords);
        Path state = Files.createTempDirectory("claim-bench");
        ConfigurableApplicationContext service = new SpringApplicationBuilder(InventoryServiceApplication.class).run(
                concat(List.of("--server.port=0", "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--vgpu.inventory.claims.streams.application-id=claim-bench",
                "--vgpu.inventory.claims.streams.state-dir=" + state,
                "--server.tomcat.threads.max=" + Math.max(200, concurrency + 16),
                // the fleet is published once: no host may go stale during the run
                "--vgpu.inventory.stale-after=1h",
                "--logging.level.root=WARN", "--logging.level.org.apache.kafka.streams=INFO"), serviceArgs(args)));
        try {
            EventPublisher publisher = service.getBean(EventPublisher.class);
            for (int h = 0; h < HOSTS; h++) {
                publisher.publish(host(h));
            }
            publisher.flush();
            String base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
            waitUntil(() -> service.getBean(ClaimStreams.class).streamsState() == KafkaStreams.State.RUNNING
                    && get(http, base + "/api/v1/capacity?type=" + TYPE).contains("\"headroom\":" + HOSTS * GPUS * PER_GPU));

            System.out.printf("fleet: %d hosts x %d pGPUs, %d free of %s; %d claims after %d warm-up, %d clients%n",
                    HOSTS, GPUS, HOSTS * GPUS * PER_GPU, TYPE, claims, warmUp, concurrency);
            run(http, base, warmUp, concurrency, "warm-up");
            CpuUse cpu = CpuUse.now();
            long[] latencies = run(http, base, claims, concurrency, "timed");
            cpu.print("the timed claims", claims);
            double seconds = latencies[latencies.length - 1] / 1e9;
            long[] sorted = Arrays.copyOf(latencies, latencies.length - 1);
            Arrays.sort(sorted);
            double claimRate = claims / seconds;
            System.out.printf("claims: %,.0f claims/s; latency p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
                    claimRate, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999), sorted[sorted.length - 1] / 1e6);

            stages(service.getBean(MeterRegistry.class));
            streamMetrics(service.getBean(ClaimStreams.class));
            System.out.printf("load average after the claims: %.2f%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            int ledgerCommands = Integer.getInteger("bench.ledger-commands", 20_000);
            if (ledgerCommands > 0) {
                CpuUse ledgerCpu = CpuUse.now();
                for (int h = 0; h < HOSTS; h++) {
                    publisher.publish(host(LEDGER_HOST, LEDGER_TYPE, h));
                }
                publisher.flush();
                // the ledger reads the same snapshots as the fleet view; a command ahead of its host's snapshot
                // would be refused NO_SNAPSHOT
                // (404 until the fleet view lists the type at all)
                waitUntil(() -> {
                    HttpResponse<String> capacity = http.send(HttpRequest.newBuilder(URI.create(
                            base + "/api/v1/capacity?type=" + LEDGER_TYPE)).header(TestTokens.AUTHORIZATION, VIEWER)
                            .build(), HttpResponse.BodyHandlers.ofString());
                    return capacity.statusCode() == 200
                            && capacity.body().contains("\"headroom\":" + HOSTS * GPUS * PER_GPU);
                });
                ledgerPath(bootstrap, service.getBean(EventCodec.class), ledgerCommands,
                        Integer.getInteger("bench.ledger-window", 1_000));
                ledgerCpu.print("the ledger path", ledgerCommands);
                streamMetrics(service.getBean(ClaimStreams.class));
                System.out.printf("load average after the ledger path: %.2f%n",
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }

            System.out.printf("ratio: claims/s / raw producer records/s = %.3f %% (target >= 25 %%); claim p99 %.1f ms"
                    + " (target <= 250 ms)%n", 100 * claimRate / rawRate, ms(sorted, 0.99));
            System.out.printf("load average at the end: %.2f%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            service.close();
            broker.destroy();
        }
        // a bench main ends here: some Kafka threads of the embedded broker outlive destroy() and kept the JVM up
        System.exit(0);
    }

    /**
     * Kafka's own producer benchmark against the same broker, before the service starts: on a broker that also
     * carries the service's streams, its idempotent producer fell into {@code OutOfOrderSequenceException}
     * retries in many runs (a few hundred records/s), which measured the collapse, not the producer.
     */
    private static double rawProducer(String bootstrap, int records) throws Exception {
        int recordSize = EventCodec.toJson(sampleCommand()).length;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("bench-raw-producer", 12, (short) 1))).all().get();
        }
        String producerOut = capture(() -> ProducerPerformance.main(new String[] {
            "--topic", "bench-raw-producer", "--num-records", Integer.toString(records),
            "--record-size", Integer.toString(recordSize), "--throughput", "-1",
            "--producer-props", "acks=all", "bootstrap.servers=" + bootstrap}));
        String last = producerOut.lines().filter(line -> line.contains("records sent")).reduce((a, b) -> b).orElse("");
        System.out.println("ProducerPerformance (acks=all, " + recordSize + " B records, same broker, before the"
                + " service starts): " + last);
        return Double.parseDouble(last.replaceAll(".*sent, ([0-9.]+) records/sec.*", "$1"));
    }

    /**
     * The ledger path alone: {@code ClaimCapacity} commands produced straight to the request topic (keyed by
     * host, acks=all) for hosts of their own type that the HTTP run never touched, at most {@code window} in
     * flight, each timed from its send to its outcome ({@code ClaimChanged} or refusal, read_committed) in a
     * consumer of this bench: no HTTP, no placement, no directory.
     */
    private static void ledgerPath(String bootstrap, EventCodec codec, int commands, int window) throws Exception {
        if (commands > HOSTS * GPUS * PER_GPU) {
            throw new IllegalArgumentException("at most " + HOSTS * GPUS * PER_GPU + " ledger commands fit the fleet");
        }
        Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
        long[] latencies = new long[commands];
        AtomicInteger decided = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(window);
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
                    "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName(),
                    "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(config)) {
                List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(TopicCatalogue.CLAIMS.name(), TopicCatalogue.CLAIM_REFUSALS.name())) {
                    consumer.partitionsFor(topic).forEach(info ->
                            partitions.add(new org.apache.kafka.common.TopicPartition(topic, info.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                ready.countDown();
                while (!stop.get()) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.value() == null) {
                            continue;
                        }
                        long now = System.nanoTime();
                        String commandId;
                        boolean grant = record.topic().equals(TopicCatalogue.CLAIMS.name());
                        try {
                            commandId = grant ? EventCodec.fromJson(EventTypes.CLAIM_CHANGED, record.value()).commandId()
                                    : EventCodec.fromJson(EventTypes.CLAIM_COMMAND_REFUSED, record.value()).commandId();
                        } catch (Exception e) {
                            continue;
                        }
                        Long sent = commandId == null ? null : sentAt.remove(commandId);
                        if (sent != null) {
                            int n = decided.getAndIncrement();
                            latencies[n] = now - sent;
                            if (!grant) {
                                refused.incrementAndGet();
                            }
                            inFlight.release();
                        }
                    }
                }
            }
        }, "bench-ledger-reader");
        reader.start();
        ready.await();
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 1,
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(),
                "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        long start;
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(config)) {
            start = System.nanoTime();
            for (int i = 0; i < commands; i++) {
                int h = i % HOSTS;
                int g = (i / HOSTS) % GPUS;
                String hostId = String.format(LEDGER_HOST, h);
                String commandId = UUID.randomUUID().toString();
                ClaimCapacity command = new ClaimCapacity(commandId, "ledger-" + i, hostId, "vm-ledger-" + i, "bench",
                        3600, List.of(new ClaimItem(gpuUuid(LEDGER_HOST_INDEX + h, g), pciBdf(g), LEDGER_TYPE,
                        UUID.randomUUID().toString(), g / 4)), Instant.now());
                inFlight.acquire();
                sentAt.put(commandId, System.nanoTime());
                producer.send(codec.record(command));
            }
            producer.flush();
            if (!inFlight.tryAcquire(window, 2, TimeUnit.MINUTES)) {
                System.out.println("ledger path: " + (commands - decided.get()) + " outcomes missing after 2 minutes");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        reader.join();
        long[] sorted = Arrays.copyOf(latencies, decided.get());
        Arrays.sort(sorted);
        System.out.printf("ledger path (ClaimCapacity produced to the request topic, outcome read from the claim topic;"
                + " %d in flight at most): %d commands in %.2f s, %d refused: %,.0f commands/s; latency p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms%n", window, commands, seconds, refused.get(), commands / seconds,
                ms(sorted, 0.50), ms(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    /**
     * CPU time this JVM (broker, service and bench clients together) spent between two points, per claim and by
     * thread group: it depends less than rates and latencies on what the machine's other tenants do (though
     * contention still inflates it), and it says where the work goes.
     */
    private record CpuUse(long processNanos, Map<Long, Long> threadNanos, Map<Long, String> names) {

        static CpuUse now() {
            java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpu = new java.util.HashMap<>();
            Map<Long, String> names = new java.util.HashMap<>();
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null) {
                    cpu.put(info.getThreadId(), Math.max(0, threads.getThreadCpuTime(info.getThreadId())));
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
            return new CpuUse(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime(), cpu, names);
        }

        void print(String phase, int count) {
            CpuUse end = now();
            Map<String, Long> groups = new java.util.TreeMap<>();
            end.threadNanos.forEach((id, nanos) -> groups.merge(group(end.names.get(id)),
                    nanos - threadNanos.getOrDefault(id, 0L), Long::sum));
            System.out.printf("CPU of this JVM in %s: %.2f ms per claim (%.1f s in all); by thread group, ms per claim:%n",
                    phase, (end.processNanos - processNanos) / 1e6 / count, (end.processNanos - processNanos) / 1e9);
            groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                    .forEach(entry -> System.out.printf("  %8.3f  %s%n", entry.getValue() / 1e6 / count, entry.getKey()));
            long javaThreads = groups.values().stream().mapToLong(Long::longValue).sum();
            // what no Java thread accounts for: the collector, the JIT compilers and the VM's own threads
            System.out.printf("  %8.3f  all Java threads (%d groups); %.3f the JVM's own threads (GC, JIT, VM)%n",
                    javaThreads / 1e6 / count, groups.size(), (end.processNanos - processNanos - javaThreads) / 1e6 / count);
        }

        private static String group(String name) {
            String kind = name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*")
                    .replaceAll("[0-9]+", "N");
            return kind.length() > 90 ? kind.substring(0, 90) : kind;
        }
    }

    /** Kafka Streams' own view of the ledger thread and its producer (Streams metrics, averages over their window). */
    private static void streamMetrics(ClaimStreams streams) {
        Set<String> wanted = Set.of("commit-latency-avg", "commit-latency-max", "commit-rate", "poll-latency-avg",
                "poll-records-avg", "process-latency-avg", "process-rate", "punctuate-latency-avg", "blocked-time-ns-total",
                "flush-time-ns-total", "txn-commit-time-ns-total", "txn-send-offsets-time-ns-total",
                "txn-begin-time-ns-total", "request-latency-avg", "record-retry-total", "records-per-request-avg",
                "batch-size-avg", "produce-throttle-time-avg");
        System.out.println("ledger stream metrics (Kafka Streams; per thread or producer):");
        streams.metrics().forEach((name, metric) -> {
            if (wanted.contains(name.name()) && (name.group().equals("stream-thread-metrics")
                    || name.group().equals("producer-metrics")) && metric.metricValue() instanceof Double value) {
                String who = name.tags().getOrDefault("thread-id", name.tags().getOrDefault("client-id", ""))
                        .replaceAll(".*(StreamThread-[0-9]+).*", "$1");
                System.out.printf("  %-22s %-32s %,14.2f%n", who, name.name(), value);
            }
        });
    }

    /** Options after the third argument go to the service, e.g. {@code --vgpu.inventory.claims.streams.commit-interval=100ms}. */
    private static List<String> serviceArgs(String[] args) {
        List<String> extra = args.length > 3 ? List.of(args).subList(3, args.length) : List.of();
        if (!extra.isEmpty()) {
            System.out.println("service options: " + extra);
        }
        return extra;
    }

    private static String[] concat(List<String> base, List<String> extra) {
        List<String> all = new ArrayList<>(base);
        all.addAll(extra);
        return all.toArray(String[]::new);
    }

    /** Sends {@code count} claims from {@code concurrency} clients; latencies in ns, the elapsed time last. */
    private static long[] run(HttpClient http, String base, int count, int concurrency, String label) throws Exception {
        long[] latencies = new long[count + 1];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            done.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String body = "{\"vmId\":\"vm-" + label + "-" + i + "\",\"requester\":\"bench\",\"placement\":{\"typeId\":\""
                            + TYPE + "\"}}";
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/claims"))
                            .header("Content-Type", "application/json")
                            .header(TestTokens.AUTHORIZATION, OPERATOR).POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    latencies[i] = System.nanoTime() - t0;
                    if (response.statusCode() != 201) {
                        refused.incrementAndGet();
                        if (refused.get() <= 3) {
                            System.out.println(label + ": " + response.statusCode() + " " + response.body());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        latencies[count] = System.nanoTime() - start;
        clients.shutdown();
        System.out.printf("%s: %d claims in %.2f s, %d not granted%n", label, count, latencies[count] / 1e9, refused.get());
        return latencies;
    }

    /**
     * The service's own claim timers (InventoryMetrics.CLAIM_*): where a claim's time goes, by stage. Their
     * percentiles decay over Micrometer's window (2 minutes), so they mostly show the timed run; counts
     * include the warm-up.
     */
    private static void stages(MeterRegistry meters) {
        System.out.println("where the time goes (service timers; count, mean, p50, p99, max in ms):");
        meters.getMeters().stream().filter(meter -> meter instanceof Timer && meter.getId().getName().startsWith(
                "vgpu.inventory.claim.")).map(Timer.class::cast)
                .sorted(java.util.Comparator.comparing(timer -> timer.getId().toString())).forEach(timer -> {
                    HistogramSnapshot snapshot = timer.takeSnapshot();
                    double p50 = Double.NaN;
                    double p99 = Double.NaN;
                    for (ValueAtPercentile value : snapshot.percentileValues()) {
                        if (value.percentile() == 0.5) {
                            p50 = value.value(TimeUnit.MILLISECONDS);
                        } else if (value.percentile() == 0.99) {
                            p99 = value.value(TimeUnit.MILLISECONDS);
                        }
                    }
                    String tags = timer.getId().getTags().stream().map(tag -> tag.getKey() + "=" + tag.getValue())
                            .reduce((a, b) -> a + "," + b).orElse("");
                    System.out.printf("  %-40s %-20s %7d %9.1f %9.1f %9.1f %9.1f%n", timer.getId().getName(), tags,
                            snapshot.count(), snapshot.mean(TimeUnit.MILLISECONDS), p50, p99,
                            snapshot.max(TimeUnit.MILLISECONDS));
                });
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static HostSnapshot host(int index) {
        return host("bench-%04d", TYPE, index);
    }

    private static String gpuUuid(int hostIndex, int gpu) {
        return String.format("GPU-%08x-0000-4000-8000-%012x", hostIndex, gpu);
    }

    private static String pciBdf(int gpu) {
        return String.format("0000:%02x:00.0", 0x10 + gpu);
    }

    /** A host of 8 pGPUs offering {@code type} {@link #PER_GPU} times each; pGPU UUIDs distinct per host name pattern. */
    private static HostSnapshot host(String name, String type, int index) {
        int uuidIndex = name.equals(LEDGER_HOST) ? LEDGER_HOST_INDEX + index : index;
        List<PhysicalGpu> gpus = new ArrayList<>();
        for (int g = 0; g < GPUS; g++) {
            gpus.add(new PhysicalGpu(gpuUuid(uuidIndex, g), pciBdf(g), "NVIDIA A16", 16384, g / 4, "0-31", EccMode.OFF,
                    HostKind.MDEV, false, NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"),
                    List.of(new VgpuTypeCapacity(type, "NVIDIA A16-1B", VgpuClass.B, 1024, PER_GPU, PER_GPU, 1, 45,
                            "5120x2880", "vfio-pci", null)), List.of()));
        }
        return new HostSnapshot(String.format(name, index), 1, Instant.now(), "bench", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.54.16", List.of()), gpus, List.of());
    }

    private static ClaimCapacity sampleCommand() {
        return new ClaimCapacity(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "bench-0001", "vm-timed-12345",
                "bench", 120, List.of(new ClaimItem("GPU-00000001-0000-4000-8000-000000000003", "0000:13:00.0", TYPE,
                        UUID.randomUUID().toString(), 0)), Instant.now());
    }

    private static String get(HttpClient http, String uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri))
                .header(TestTokens.AUTHORIZATION, VIEWER).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void waitUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the service did not get ready in 2 minutes");
            }
            Thread.sleep(200); // polling a readiness condition in a bench main, not synchronising a test
        }
    }

    /** Runs the action with System.out copied into the returned text (ProducerPerformance prints its figures). */
    private static String capture(Action action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                copy.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                copy.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return copy.toString(StandardCharsets.UTF_8);
    }

    private static void machine() {
        System.out.printf("%s; load average %s, heap max %d MiB%n", BenchMachine.describe(), BenchMachine.loadAverage(),
                Runtime.getRuntime().maxMemory() >> 20);
    }
}
