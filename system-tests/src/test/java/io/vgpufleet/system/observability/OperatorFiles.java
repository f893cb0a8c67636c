package io.vgpufleet.system.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The repository's operator files: Prometheus rules and Grafana dashboards under {@code deploy/}. */
public final class OperatorFiles {

    private OperatorFiles() {}

    /** The repository root: {@code -Dvgpu.repo} (set by the build), else the module's parent directory. */
    public static Path repo() {
        return Path.of(System.getProperty("vgpu.repo", "..")).toAbsolutePath().normalize();
    }

    public static Path deploy() {
        return repo().resolve("deploy");
    }

    static List<Path> ruleFiles() {
        return files(deploy().resolve("prometheus/rules"), ".rules.yml");
    }

    static List<Path> dashboards() {
        return files(deploy().resolve("grafana/dashboards"), ".json");
    }

    /** Every metric name used, with the files that use it. */
    static Map<String, Set<String>> usedNames() {
        Map<String, Set<String>> used = new TreeMap<>();
        for (Path rules : ruleFiles()) {
            MetricNames.inRules(read(rules)).forEach(name -> used.computeIfAbsent(name, n -> new TreeSet<>())
                    .add(repo().relativize(rules).toString()));
        }
        for (Path dashboard : dashboards()) {
            MetricNames.inDashboard(read(dashboard)).forEach(name -> used.computeIfAbsent(name, n -> new TreeSet<>())
                    .add(repo().relativize(dashboard).toString()));
        }
        return used;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> found = entries.filter(path -> path.getFileName().toString().endsWith(suffix)).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no *" + suffix + " in " + dir);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
