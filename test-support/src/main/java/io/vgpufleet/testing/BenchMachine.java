package io.vgpufleet.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The machine a benchmark ran on, in the one line every bench prints with its figures. */
public final class BenchMachine {

    private BenchMachine() {}

    /** Cores, CPU model, memory, OS and JVM, from {@code /proc} and the system properties. */
    public static String describe() {
        return String.format("machine: %d cores (%s), %d MiB memory, %s %s, JVM %s %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memoryMib(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.vm.name"), System.getProperty("java.version"));
    }

    /** The 1-, 5- and 15-minute load averages from {@code /proc/loadavg}, as "a b c"; "unknown" where unreadable. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg"), UTF_8).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    /** Heap in use after collecting until it stops shrinking: what a benchmark's objects hold. */
    public static long liveHeapBytes() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            System.gc();
            long now = runtime.totalMemory() - runtime.freeMemory();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }

    private static String cpuModel() {
        return read("/proc/cpuinfo").lines().filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
    }

    private static long memoryMib() {
        Matcher matcher = Pattern.compile("MemTotal:\\s+(\\d+) kB").matcher(read("/proc/meminfo"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) / 1024 : -1;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
