package io.vgpufleet.agent.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vgpufleet.agent.simulator.Fault;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.InMemoryTrees;
import io.vgpufleet.agent.simulator.SimulatedFaults;
import io.vgpufleet.contracts.messaging.EventCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet simulator's process: {@code java -jar node-agent.jar --fleet=2000 ...} (the agent's main hands
 * {@code --fleet} to here) or {@code java -cp node-agent.jar io.vgpufleet.agent.fleet.FleetMain ...}.
 *
 * <pre>
 * --fleet=N                    hosts to simulate (required)
 * --bootstrap-servers=H:P      the broker (required)
 * --fleet-tree=memory          memory (default): every host's tree in one in-memory file system, /&lt;host id&gt;;
 *                              disk: each host's tree is DIR/&lt;host id&gt; under --sysfs-root (laid out or reused)
 * --sysfs-root=DIR             required with --fleet-tree=disk, refused with memory
 * --fleet-profile=a100x8       the simulator profile of every host (p4, t4, a100, h100, a100x8, mixed)
 * --fleet-prefix=fleet         host ids are &lt;prefix&gt;-00001 ...
 * --fleet-vgpus-per-gpu=0     vGPUs created at start on every pGPU, each held by a running VM of its own
 * --seed=1 --heartbeat=PT30S --health-poll=PT10S --sweep=PT0.5S --lanes=(cores)
 * --http-port=0                POST /sim/gpus/{gpuUuid}/faults (as one agent's), GET /fleet (counters, cost)
 * </pre>
 *
 * Every {@code --report} (default PT30S) it logs its own cost: process CPU (share of one core) and heap after
 * the last GC, per 1,000 hosts.
 */
public final class FleetMain {

    private static final Logger log = LoggerFactory.getLogger(FleetMain.class);

    private FleetMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                fail("options are --name=value, not '" + arg + "'");
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        FleetSimulator.Settings settings;
        int httpPort;
        Duration report;
        FileSystem memoryTree = null;
        try {
            if (tree(options) == Tree.MEMORY) {
                memoryTree = InMemoryTrees.newFleetTree();
            }
            settings = settings(options, memoryTree);
            httpPort = Integer.parseInt(options.getOrDefault("http-port", "0"));
            report = Duration.parse(options.getOrDefault("report", "PT30S"));
        } catch (RuntimeException e) {
            fail(e.getMessage());
            return;
        }
        FileSystem tree = memoryTree;
        FleetSimulator fleet = FleetSimulator.start(settings, Clock.systemUTC());
        Cost cost = new Cost();
        HttpServer http = http(fleet, cost, httpPort);
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
        reporter.scheduleAtFixedRate(() -> log.info("fleet: {}", cost.line(fleet)), report.toMillis(),
                report.toMillis(), TimeUnit.MILLISECONDS);
        log.info("fleet simulator up: {} hosts of {}, HTTP on 127.0.0.1:{}", fleet.size(),
                settings.profile().optionName(), http.getAddress().getPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reporter.shutdownNow();
            http.stop(0);
            fleet.close();
            closeQuietly(tree);
            stopped.countDown();
        }, "fleet-shutdown"));
        stopped.await();
    }

    /** Where the fleet's host trees are: in memory (the fleet's default) or on disk under --sysfs-root. */
    enum Tree {
        MEMORY, DISK
    }

    static Tree tree(Map<String, String> options) {
        String value = options.getOrDefault("fleet-tree", "memory");
        return switch (value) {
            case "memory" -> Tree.MEMORY;
            case "disk" -> Tree.DISK;
            default -> throw new IllegalArgumentException("--fleet-tree must be memory or disk, was '"
                    + io.vgpufleet.contracts.Checks.printable(value) + "'");
        };
    }

    /**
     * The settings from the options.
     *
     * @param memoryTree the in-memory file system the hosts' trees go in where {@code --fleet-tree=memory}, else
     *     null
     */
    static FleetSimulator.Settings settings(Map<String, String> options, @Nullable FileSystem memoryTree) {
        List<String> known = List.of("fleet", "bootstrap-servers", "sysfs-root", "fleet-tree", "fleet-profile",
                "fleet-prefix", "seed", "heartbeat", "health-poll", "sweep", "lanes", "http-port", "report",
                "fleet-vgpus-per-gpu");
        for (String name : options.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " (fleet mode takes " + known + ")");
            }
        }
        Path root;
        if (tree(options) == Tree.MEMORY) {
            if (options.containsKey("sysfs-root")) {
                throw new IllegalArgumentException("--sysfs-root is for --fleet-tree=disk; the memory tree has no directory");
            }
            if (memoryTree == null) {
                throw new IllegalArgumentException("--fleet-tree=memory needs an in-memory file system");
            }
            root = memoryTree.getPath("/");
        } else {
            root = Path.of(required(options, "sysfs-root")).toAbsolutePath();
        }
        String profileName = options.getOrDefault("fleet-profile", "a100x8");
        HostProfile profile = HostProfile.named(profileName).orElseThrow(() -> new IllegalArgumentException(
                "--fleet-profile must be one of " + HostProfile.names() + ", was " + profileName));
        return new FleetSimulator.Settings(
                Integer.parseInt(required(options, "fleet")),
                profile,
                io.vgpufleet.contracts.Checks.validHostId(options.getOrDefault("fleet-prefix", "fleet"), "--fleet-prefix"),
                root,
                required(options, "bootstrap-servers"),
                Long.parseLong(options.getOrDefault("seed", "1")),
                Duration.parse(options.getOrDefault("heartbeat", "PT30S")),
                Duration.parse(options.getOrDefault("health-poll", "PT10S")),
                Duration.parse(options.getOrDefault("sweep", "PT0.5S")),
                Integer.parseInt(options.getOrDefault("lanes",
                        String.valueOf(Runtime.getRuntime().availableProcessors()))),
                Integer.parseInt(options.getOrDefault("fleet-vgpus-per-gpu", "0")));
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required in fleet mode");
        }
        return value;
    }

    private static void closeQuietly(@Nullable FileSystem tree) {
        if (tree != null) {
            try {
                tree.close();
            } catch (IOException e) {
                log.warn("in-memory fleet tree not closed: {}", e.toString());
            }
        }
    }

    private static void fail(String message) {
        System.err.println("node-agent fleet: " + message);
        System.exit(2);
    }

    private static HttpServer http(FleetSimulator fleet, Cost cost, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/sim/gpus/", exchange -> {
            try (exchange) {
                String[] parts = exchange.getRequestURI().getPath().split("/");
                // /sim/gpus/{gpuUuid}/faults
                if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 5 || !"faults".equals(parts[4])) {
                    answer(exchange, 404, "POST /sim/gpus/{gpuUuid}/faults");
                    return;
                }
                Fault fault;
                try {
                    fault = Fault.parse(EventCodec.json().readTree(exchange.getRequestBody()));
                } catch (RuntimeException e) {
                    answer(exchange, 400, String.valueOf(e.getMessage()));
                    return;
                }
                SimulatedFaults.Outcome outcome = fleet.inject(parts[3], fault);
                if (outcome instanceof SimulatedFaults.Applied applied) {
                    answer(exchange, 202, fault + " on " + applied.pciBdf());
                } else if (outcome instanceof SimulatedFaults.NotApplicable refused) {
                    answer(exchange, 409, refused.reason());
                } else {
                    answer(exchange, 404, "no host of this fleet has GPU " + parts[3]);
                }
            }
        });
        server.createContext("/fleet", exchange -> {
            try (exchange) {
                answer(exchange, 200, cost.line(fleet));
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The process's own cost since the last report: CPU as a share of one core, heap after the last GC. */
    static final class Cost {

        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private long lastCpu = os.getProcessCpuTime();
        private long lastWall = System.nanoTime();

        synchronized String line(FleetSimulator fleet) {
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            double cores = (cpu - lastCpu) / (double) Math.max(1, wall - lastWall);
            lastCpu = cpu;
            lastWall = wall;
            long heapMib = heapAfterGc() / (1024 * 1024);
            double thousands = fleet.size() / 1000.0;
            return String.format(java.util.Locale.ROOT,
                    "%d hosts; cpu %.3f cores (%.3f per 1,000 hosts); heap after GC %d MiB (%.1f MiB per 1,000 hosts);"
                            + " rss %d MiB; sent %s",
                    fleet.size(), cores, cores / thousands, heapMib, heapMib / thousands, rssMib(), fleet.counters());
        }

        private long heapAfterGc() {
            long used = 0;
            for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    used += pool.getCollectionUsage().getUsed();
                }
            }
            return used > 0 ? used : memory.getHeapMemoryUsage().getUsed();
        }

        private static long rssMib() {
            try {
                for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }
    }
}
