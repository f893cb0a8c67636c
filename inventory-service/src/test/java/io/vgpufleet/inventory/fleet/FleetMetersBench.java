package io.vgpufleet.inventory.fleet;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.testing.BenchMachine;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A benchmark, not a test: what {@link FleetMeters} costs at fleet scale. H hosts of 8 pGPUs (ten types each,
 * four vGPUs per host), then rounds in which C hosts report a changed snapshot (one vGPU more or fewer, as
 * during an evacuation) followed by one {@link FleetMeters#refresh()}, and rounds of heartbeats only. Prints the
 * first refresh, the time and the bytes allocated per refresh, the heap held and one scrape, with the machine.
 *
 * <pre>
 * java -Xmx4g -cp "$(cat inventory-service/target/bench.classpath):inventory-service/target/test-classes:inventory-service/target/classes" \
 *   io.vgpufleet.inventory.fleet.FleetMetersBench [HOSTS] [CHANGED_PER_ROUND] [ROUNDS]
 * </pre>
 */
public final class FleetMetersBench {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private FleetMetersBench() {}

    public static void main(String[] args) {
        int hostCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int changedPerRound = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        List<VgpuTypeCapacity> types = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            types.add(new VgpuTypeCapacity("nvidia-" + (470 + t), "NVIDIA A100-" + (t + 1) + "Q", VgpuClass.Q,
                    4096L * (t + 1), 20 / (t + 1), 20 / (t + 1), 1, 60, "7680x4320", "vfio-pci", null));
        }
        long before = BenchMachine.liveHeapBytes();
        FleetView fleet = new FleetView();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FleetMeters meters = new FleetMeters(fleet, registry, Clock.systemUTC());
        int[] vgpusOnHost = new int[hostCount];
        long[] sequence = new long[hostCount];
        for (int h = 0; h < hostCount; h++) {
            vgpusOnHost[h] = 4;
            fleet.apply(snapshot(h, ++sequence[h], 4, types), T0);
        }
        long start = System.nanoTime();
        meters.refresh();
        long first = System.nanoTime() - start;
        long held = BenchMachine.liveHeapBytes() - before;

        Random random = new Random(7);
        Round changes = new Round(rounds);
        Round heartbeats = new Round(rounds);
        for (int round = 0; round < rounds; round++) {
            for (int c = 0; c < changedPerRound; c++) {
                int h = random.nextInt(hostCount);
                vgpusOnHost[h] = vgpusOnHost[h] == 8 ? 3 : vgpusOnHost[h] + 1;
                fleet.apply(snapshot(h, ++sequence[h], vgpusOnHost[h], types), T0.plusSeconds(sequence[h]));
            }
            changes.measure(round, meters);
            for (int c = 0; c < changedPerRound; c++) {
                int h = random.nextInt(hostCount);
                fleet.apply(snapshot(h, ++sequence[h], vgpusOnHost[h], types), T0.plusSeconds(sequence[h]));
            }
            heartbeats.measure(round, meters);
        }
        long scrapeStart = System.nanoTime();
        String scrape = registry.scrape();
        long scraped = System.nanoTime() - scrapeStart;

        System.out.println(BenchMachine.describe());
        System.out.printf(Locale.ROOT, "hosts %,d x 8 pGPUs, %,d meters; heap held (view and meters) %,.1f MiB; first"
                + " refresh %,d ms%n", hostCount, registry.getMeters().size(), held / 1048576.0, first / 1_000_000);
        changes.print("refresh after " + changedPerRound + " hosts changed");
        heartbeats.print("refresh after " + changedPerRound + " heartbeats (no change)");
        System.out.printf(Locale.ROOT, "one scrape: %,d series lines, %,.1f MiB, %,d ms%n",
                scrape.lines().filter(line -> !line.startsWith("#")).count(), scrape.length() / 1048576.0,
                scraped / 1_000_000);
    }

    /** Time and allocation of one refresh per round. */
    private static final class Round {

        private final long[] nanos;
        private final long[] bytes;

        Round(int rounds) {
            nanos = new long[rounds];
            bytes = new long[rounds];
        }

        void measure(int round, FleetMeters meters) {
            long allocated = allocatedBytes();
            long start = System.nanoTime();
            meters.refresh();
            nanos[round] = System.nanoTime() - start;
            bytes[round] = allocatedBytes() - allocated;
        }

        void print(String what) {
            long[] n = nanos.clone();
            long[] b = bytes.clone();
            Arrays.sort(n);
            Arrays.sort(b);
            System.out.printf(Locale.ROOT, "%s (%d rounds): p50 %,.2f ms, max %,.2f ms; allocated p50 %,.2f MiB,"
                    + " max %,.2f MiB%n", what, n.length, n[n.length / 2] / 1e6, n[n.length - 1] / 1e6,
                    b[b.length / 2] / 1048576.0, b[b.length - 1] / 1048576.0);
        }

        private static long allocatedBytes() {
            return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
        }
    }

    private static HostSnapshot snapshot(int host, long sequence, int vgpus, List<VgpuTypeCapacity> types) {
        List<PhysicalGpu> gpus = new ArrayList<>(8);
        for (int g = 0; g < 8; g++) {
            gpus.add(new PhysicalGpu(gpuUuid(host, g), String.format(Locale.ROOT, "0000:%02x:00.0", 0x17 + g),
                    "NVIDIA A100-SXM4-80GB", 81920, g / 4, g < 4 ? "0-31" : "32-63", EccMode.ON, HostKind.MDEV, false,
                    NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), types, List.of()));
        }
        List<Vgpu> placed = new ArrayList<>(vgpus);
        for (int v = 0; v < vgpus; v++) {
            placed.add(new Vgpu(String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", host, v), gpuUuid(host, v % 8),
                    "nvidia-470", null, null, Map.of(), null));
        }
        return new HostSnapshot(String.format(Locale.ROOT, "host-%05d", host), sequence, T0.plusSeconds(sequence),
                "bench", HostKind.MDEV, new VgpuManagerStatus(true, null, List.of()), gpus, placed);
    }

    private static String gpuUuid(int host, int gpu) {
        return String.format(Locale.ROOT, "GPU-%08x-0000-4000-8000-%012x", host, gpu);
    }
}
