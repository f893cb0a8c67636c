package io.vgpufleet.agent.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.nvml.NoNvml;
import io.vgpufleet.testing.BenchMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark, not a test: full discovery of a host with 8 mdev pGPUs of 30 types each, timed over many
 * runs after a warm-up, and the process's RSS and CPU time afterwards. Prints the machine.
 *
 * <pre>
 * mvn -B -q -pl node-agent test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "node-agent/target/test-classes:node-agent/target/classes:$(cat node-agent/target/cp.txt)" \
 *     io.vgpufleet.agent.bench.AgentFootprintBench
 * </pre>
 */
public final class AgentFootprintBench {

    private static final int GPUS = 8;
    private static final int TYPES = 30;
    private static final int WARM_UP = 500;
    private static final int RUNS = 5_000;

    private AgentFootprintBench() {}

    public static void main(String[] args) throws IOException {
        Path root = Files.createTempDirectory("agent-bench");
        try {
            layOut(root);
            HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new NoNvml(), "bench-01");
            DiscoveredHost host = discovery.discover();
            if (host.gpus().size() != GPUS || host.gpus().get(0).types().size() != TYPES || !host.problems().isEmpty()) {
                throw new IllegalStateException("the bench tree did not discover as laid out: " + host.problems());
            }
            for (int i = 0; i < WARM_UP; i++) {
                discovery.discover();
            }
            long[] nanos = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                discovery.discover();
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            System.out.println(BenchMachine.describe());
            System.out.printf("full discovery, %d pGPUs x %d types (mdev tree on %s), %d runs after %d warm-up:%n",
                    GPUS, TYPES, root.getFileSystem().provider().getScheme(), RUNS, WARM_UP);
            System.out.printf("  median %.3f ms, p99 %.3f ms, max %.3f ms%n", nanos[RUNS / 2] / 1e6,
                    nanos[(int) (RUNS * 0.99)] / 1e6, nanos[RUNS - 1] / 1e6);
            System.out.printf("process: VmRSS %s, CPU time %.2f s, heap used %.1f MiB%n", vmRss(),
                    ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime() / 1e9,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0);
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** An mdev host tree with the kernel's names: 8 parents, 30 types each, as {@code /sys} shows them. */
    private static void layOut(Path root) throws IOException {
        Files.createDirectories(root.resolve("class/mdev_bus"));
        Files.createDirectories(root.resolve("bus/mdev/devices"));
        Files.createDirectories(root.resolve("bus/pci/devices"));
        Files.createDirectories(root.resolve("module/nvidia_vgpu_vfio"));
        text(root.resolve("module/nvidia/version"), "550.90.05");
        for (int gpu = 0; gpu < GPUS; gpu++) {
            String bdf = String.format("0000:%02x:00.0", 0x10 + gpu);
            Path dir = root.resolve("devices/pci0000:00").resolve(bdf);
            text(dir.resolve("vendor"), "0x10de");
            text(dir.resolve("device"), "0x1eb8");
            text(dir.resolve("numa_node"), Integer.toString(gpu / 4));
            text(dir.resolve("local_cpulist"), gpu < 4 ? "0-15" : "16-31");
            for (int type = 0; type < TYPES; type++) {
                Path typeDir = dir.resolve("mdev_supported_types/nvidia-" + (200 + type));
                Files.createDirectories(typeDir.resolve("devices"));
                int gib = 1 << (type % 5);
                text(typeDir.resolve("name"), "GRID T4-" + gib + "Q");
                text(typeDir.resolve("description"), "num_heads=4, frl_config=60, framebuffer=" + gib * 1024
                        + "M, max_resolution=5120x2880, max_instance=" + 16 / gib);
                text(typeDir.resolve("available_instances"), Integer.toString(16 / gib));
                text(typeDir.resolve("device_api"), "vfio-pci");
                Files.createFile(typeDir.resolve("create"));
            }
            Files.createSymbolicLink(root.resolve("class/mdev_bus").resolve(bdf), Path.of("../../devices/pci0000:00", bdf));
            Files.createSymbolicLink(root.resolve("bus/pci/devices").resolve(bdf), Path.of("../../../devices/pci0000:00", bdf));
        }
    }

    private static String vmRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return "unknown";
        }
        return Files.readAllLines(status, UTF_8).stream().filter(line -> line.startsWith("VmRSS:"))
                .map(line -> line.substring("VmRSS:".length()).strip()).findFirst().orElse("unknown");
    }

    private static void text(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content + "\n", UTF_8);
    }
}
