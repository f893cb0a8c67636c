package io.vgpufleet.sandbox.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * One program the sandbox runs beside itself (a service or a simulated host), with its standard output
 * and error appended to a log file.
 *
 * <p>The sandbox tells a planned stop from a crash: after {@link #stop} or {@link #stopAll} the exit is
 * expected; any earlier exit goes to the {@link #onUnexpectedExit} listener with the exit code.
 *
 * <pre>{@code
 * ChildProcess child = ChildProcess.start("inventory-service", command, workDir, logFile);
 * child.onUnexpectedExit(code -> System.err.println("exited with " + code + ", see " + child.logFile()));
 * ...
 * ChildProcess.stopAll(List.of(child), Duration.ofSeconds(15)); // SIGTERM, wait, then SIGKILL
 * }</pre>
 */
public final class ChildProcess {

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final Process process;
    private volatile boolean stopping;

    private ChildProcess(String name, List<String> command, Path logFile, Process process) {
        this.name = name;
        this.command = command;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Starts {@code command} in {@code workDir}; the log file is replaced by a header line (time and
     * command) and then receives everything the program writes.
     */
    public static ChildProcess start(String name, List<String> command, Path workDir, Path logFile)
            throws IOException {
        Objects.requireNonNull(name, "name");
        List<String> commandCopy = List.copyOf(command);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Files.writeString(logFile, "# " + Instant.now() + " " + String.join(" ", commandCopy) + System.lineSeparator(),
                StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(commandCopy)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        return new ChildProcess(name, commandCopy, logFile, process);
    }

    /** Calls {@code listener} with the exit code if the program ends before it is asked to stop. */
    public void onUnexpectedExit(IntConsumer listener) {
        process.onExit().thenAccept(exited -> {
            if (!stopping) {
                listener.accept(exited.exitValue());
            }
        });
    }

    public String name() {
        return name;
    }

    public List<String> command() {
        return command;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the program has ended. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /**
     * Kills the program at once, as {@code kill -9} does (SIGKILL: no shutdown hook runs), with its
     * descendants, and waits until it has ended.
     */
    public void kill() throws InterruptedException {
        stopping = true;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks the program to end (SIGTERM), waits up to {@code grace}, then kills it. */
    public void stop(Duration grace) throws InterruptedException {
        stopAll(List.of(this), grace);
    }

    /**
     * Asks every program to end at once, waits up to {@code grace} for all of them together, then kills
     * those still running.
     *
     * @return the names of those that had to be killed
     */
    public static List<String> stopAll(Collection<ChildProcess> children, Duration grace) throws InterruptedException {
        for (ChildProcess child : children) {
            child.stopping = true;
            child.process.descendants().forEach(ProcessHandle::destroy);
            child.process.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> killed = new ArrayList<>();
        for (ChildProcess child : children) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!child.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                killed.add(child.name);
                child.process.descendants().forEach(ProcessHandle::destroyForcibly);
                child.process.destroyForcibly();
                child.process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        return killed;
    }

    /** The last {@code lines} lines of the log, for reporting why a program did not come up. */
    public List<String> tail(int lines) {
        return tail(logFile, lines);
    }

    static List<String> tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            // a log of a failed start is small; a long-running one is read only on demand
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + logFile + ")";
    }
}
