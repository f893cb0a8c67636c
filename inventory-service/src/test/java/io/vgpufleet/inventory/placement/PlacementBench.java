package io.vgpufleet.inventory.placement;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.inventory.placement.TestFleet.GpuSpec;
import io.vgpufleet.inventory.placement.TestFleet.Model;
import io.vgpufleet.testing.BenchMachine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark main (not a test): a 10,000-host x 8-pGPU fleet of P4, T4, A100 and H100 hosts, partly
 * filled, and a mix of requests under PACK and SPREAD. Prints decisions per second and latency
 * percentiles with the machine. Run with the test classpath:
 * {@code java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.vgpufleet.inventory.placement.PlacementBench}
 */
public final class PlacementBench {

    private PlacementBench() {}

    public static void main(String[] args) throws InterruptedException {
        // args: [hosts] [anything: also print the mean latency per request shape]
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Random random = new Random(42);
        TestFleet fleet = new TestFleet();
        Model[] models = {TestFleet.T4, TestFleet.T4, TestFleet.T4, TestFleet.P4, TestFleet.P4, TestFleet.A100, TestFleet.A100,
            TestFleet.A100, TestFleet.H100, TestFleet.H100};
        for (int h = 0; h < hosts; h++) {
            Model model = models[random.nextInt(models.length)];
            TestFleet.HostSpec host = fleet.host(String.format("host-%05d", h)).gpus(model, 8, model == TestFleet.H100);
            for (GpuSpec gpu : host.gpus) {
                if (random.nextInt(10) < 4) {
                    continue;
                }
                TestFleet.TypeSpec type = model.types().get(random.nextInt(model.types().size()));
                gpu.with(type.typeId(), 1 + random.nextInt(type.maxInstances()));
            }
            if (random.nextInt(200) == 0) {
                fleet.cordoned.add(host.gpus.get(0).uuid);
            }
            if (random.nextInt(500) == 0) {
                fleet.stale.add(host.hostId);
            }
        }
        FleetView view = new FleetView();
        for (HostSnapshot snapshot : fleet.snapshots()) {
            view.apply(snapshot, snapshot.observedAt());
        }
        List<HostSnapshot> snapshots = view.hosts().stream().map(FleetView.HostEntry::snapshot).toList();
        long[] buildMs = new long[3];
        PlacementInput built = null;
        for (int i = 0; i < buildMs.length; i++) {
            long t0 = System.nanoTime();
            built = PlacementInputs.from(snapshots, fleet.health, fleet.cordoned, fleet.stale, fleet.nvlink);
            buildMs[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        PlacementInput input = built;
        // a second later: a tenth of the hosts have reported again (new snapshot objects, same facts, through the view)
        Random reporting = new Random(11);
        for (int i = 0; i < hosts / 10; i++) {
            HostSnapshot s = snapshots.get(reporting.nextInt(snapshots.size()));
            view.apply(TestFleet.heartbeatOf(s, 1), s.observedAt().plusSeconds(1));
        }
        List<HostSnapshot> later = view.hosts().stream().map(FleetView.HostEntry::snapshot).toList();
        long[] reuseMs = new long[3];
        for (int i = 0; i < reuseMs.length; i++) {
            long t0 = System.nanoTime();
            PlacementInputs.from(later, fleet.health, fleet.cordoned, fleet.stale, fleet.nvlink, built);
            reuseMs[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        List<PlacementRequest> requests = requests(new Random(7), hosts);
        PlacementEngine engine = new PlacementEngine();
        long t1 = System.nanoTime();
        for (PlacementRequest request : requests) {
            for (PlacementPolicy policy : PlacementPolicy.values()) {
                engine.place(request, input, policy, 10);
            }
        }
        long firstPassMs = (System.nanoTime() - t1) / 1_000_000;
        int shapes = input.viewCount();
        long t2 = System.nanoTime();
        PlacementInput next = PlacementInputs.from(later, fleet.health, fleet.cordoned, fleet.stale, fleet.nvlink, input);
        next.prepareShapesOf(input);
        long rebuildMs = (System.nanoTime() - t2) / 1_000_000;

        System.out.println(BenchMachine.describe());
        System.out.printf("fleet: %d hosts, %d pGPUs, %d types; PlacementInputs.from: %d ms, then %d ms, %d ms%n",
                input.hostCount(), input.gpuCount(), input.typeIds().size(), buildMs[0], buildMs[1], buildMs[2]);
        System.out.printf("PlacementInputs.from reusing the previous input, a tenth of the hosts changed: %d ms, %d ms, %d ms%n",
                reuseMs[0], reuseMs[1], reuseMs[2]);
        System.out.printf("first pass over the %d requests x 2 policies (builds %d request shapes): %d ms; "
                + "the rebuild after a tenth of the hosts reported, reusing the rest, with those shapes prepared: %d ms%n", requests.size(), shapes, firstPassMs, rebuildMs);
        if (args.length > 1) {
            byKind(engine, input, requests);
        }
        for (PlacementPolicy policy : PlacementPolicy.values()) {
            for (int i = 0; i < 30_000; i++) {
                engine.place(requests.get(i % requests.size()), input, policy, 10);
            }
            int n = 50_000;
            long[] latencies = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                engine.place(requests.get(i % requests.size()), input, policy, 10);
                latencies[i] = System.nanoTime() - start;
            }
            Arrays.sort(latencies);
            int threads = Runtime.getRuntime().availableProcessors();
            AtomicLong done = new AtomicLong();
            long until = System.nanoTime() + 5_000_000_000L;
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int offset = w * 997;
                Thread worker = new Thread(() -> {
                    long local = 0;
                    for (int i = offset; System.nanoTime() < until; i++) {
                        engine.place(requests.get(i % requests.size()), input, policy, 10);
                        local++;
                    }
                    done.addAndGet(local);
                });
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            System.out.printf("%-6s single thread: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us; "
                            + "%d threads: %.0f decisions/s%n", policy, latencies[n / 2] / 1e3, latencies[n * 99 / 100] / 1e3,
                    latencies[n * 999 / 1000] / 1e3, latencies[n - 1] / 1e3, threads, done.get() / 5.0);
        }
    }

    /** Mean latency per request shape, to see which shapes cost. */
    private static void byKind(PlacementEngine engine, PlacementInput input, List<PlacementRequest> requests) {
        java.util.Map<String, long[]> byKind = new java.util.TreeMap<>();
        for (int round = 0; round < 5; round++) {
            for (PlacementRequest request : requests) {
                String kind = request.count() > 1 ? "multi" + (request.nvlinkP2p() ? "-p2p" : "")
                        : request.typeId() == null ? "constraints" : request.constrainsGpus() ? "type+gpu-constraint" : "type";
                long start = System.nanoTime();
                engine.place(request, input, PlacementPolicy.PACK, 10);
                long[] t = byKind.computeIfAbsent(kind, k -> new long[2]);
                t[0] += System.nanoTime() - start;
                t[1]++;
            }
        }
        byKind.forEach((kind, t) -> System.out.printf("  %-20s mean %.1f us%n", kind, t[0] / 1e3 / t[1]));
    }

    /** 60% by type id, 15% type and NUMA, 10% class and framebuffer, 10% multi-vGPU (half P2P), 5% affinity. */
    private static List<PlacementRequest> requests(Random random, int hosts) {
        String[] popular = {"nvidia-232", "nvidia-231", "nvidia-230", "nvidia-222", "nvidia-63", "nvidia-65", "nvidia-474",
            "nvidia-475", "nvidia-1050", "nvidia-1051", "nvidia-319", "nvidia-320"};
        List<PlacementRequest> requests = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int kind = random.nextInt(100);
            String type = popular[random.nextInt(popular.length)];
            PlacementRequest.Builder b = PlacementRequest.builder();
            if (kind < 60) {
                b.typeId(type);
            } else if (kind < 75) {
                b.typeId(type).numaNode(random.nextInt(2));
            } else if (kind < 85) {
                b.vgpuClass(random.nextBoolean() ? VgpuClass.C : VgpuClass.Q).minFramebufferMib(4096L << random.nextInt(3));
            } else if (kind < 95) {
                int count = 2 + random.nextInt(3);
                b.typeId(random.nextBoolean() ? "nvidia-476" : "nvidia-1052").count(count).nvlinkP2p(random.nextBoolean());
            } else {
                b.typeId(type).avoidHosts(Set.of(String.format("host-%05d", random.nextInt(hosts))));
            }
            requests.add(b.build());
        }
        return requests;
    }
}
