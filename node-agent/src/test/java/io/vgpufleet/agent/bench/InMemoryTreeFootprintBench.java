package io.vgpufleet.agent.bench;

import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.InMemoryTrees;
import io.vgpufleet.agent.simulator.SimulatedHost;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A benchmark, not a test: the heap that simulated hosts' trees take in the fleet simulator's in-memory file
 * system, per host and per entry (heap used after a full GC, before and after laying out N hosts), and the
 * time the lay-out took.
 *
 * <pre>
 * mvn -B -q -o -pl node-agent test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx4g -XX:+UseSerialGC -cp "node-agent/target/test-classes:node-agent/target/classes:$(cat node-agent/target/cp.txt)" \
 *     io.vgpufleet.agent.bench.InMemoryTreeFootprintBench 1000 a100x8
 * </pre>
 */
public final class InMemoryTreeFootprintBench {

    private InMemoryTreeFootprintBench() {}

    public static void main(String[] args) throws IOException {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        HostProfile profile = HostProfile.named(args.length > 1 ? args[1] : "a100x8").orElseThrow();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (FileSystem tree = InMemoryTrees.newFleetTree()) {
            long before = heapAfterGc(memory);
            long started = System.nanoTime();
            for (int n = 1; n <= hosts; n++) {
                SimulatedHost.layOut(tree.getPath(String.format(Locale.ROOT, "/fleet-%05d", n)), profile, n);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            long after = heapAfterGc(memory);
            long entries;
            try (Stream<?> walk = Files.walk(tree.getPath("/fleet-00001"))) {
                entries = walk.count();
            }
            double perHost = (after - before) / (double) hosts;
            System.out.printf(Locale.ROOT, "%d %s hosts laid out in memory in %d ms; %d entries per host;"
                    + " heap %.1f MiB -> %.1f MiB after GC: %.1f KiB per host, %.0f bytes per entry%n",
                    hosts, profile.optionName(), millis, entries, before / 1048576.0, after / 1048576.0,
                    perHost / 1024, perHost / entries);
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
