package io.vgpufleet.system.observability;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An operator tool the tests run (promtool, prometheus, docker-compose, systemd-analyze), found on the
 * {@code PATH}. Missing: the test is skipped on a developer's machine and fails under CI ({@code CI} set),
 * where {@code .ci/run} installs it.
 */
public final class ExternalTool {

    /** What a run printed and how it ended. */
    public record Result(int exitCode, String output) {}

    private final Path binary;

    private ExternalTool(Path binary) {
        this.binary = binary;
    }

    /** The tool, or the test is skipped (no CI) or failed (CI) with the Debian package to install. */
    public static ExternalTool require(String name, String debianPackage) {
        Optional<Path> found = find(name);
        if (found.isEmpty()) {
            String reason = name + " is not on the PATH (Debian package " + debianPackage + ")";
            if (System.getenv("CI") != null) {
                fail(reason + ": CI must install it (.ci/run)");
            }
            assumeTrue(false, reason + ": skipped outside CI");
        }
        return new ExternalTool(found.orElseThrow());
    }

    /** The tool if it is there; otherwise the test is skipped, in CI too (a check CI need not have). */
    public static ExternalTool ifPresent(String name, String debianPackage) {
        Optional<Path> found = find(name);
        assumeTrue(found.isPresent(), name + " is not on the PATH (Debian package " + debianPackage + "): skipped");
        return new ExternalTool(found.orElseThrow());
    }

    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public Path binary() {
        return binary;
    }

    /** Runs the tool with {@code arguments} in {@code dir}, at most {@code timeoutSeconds}, output merged. */
    public Result run(Path dir, long timeoutSeconds, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(arguments));
        try {
            Path output = Files.createTempFile("tool-output", ".txt");
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command + " did not end within " + timeoutSeconds + " s");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
