package io.vgpufleet.system;

import io.vgpufleet.sandbox.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A program of the system under test that can be killed and started again with the same command line. Its
 * log survives restarts: before each start after the first, the log of the run before is moved aside to
 * {@code <name>.log.<n>} (n = 1 for the first run, ...), so the last lines it wrote before a SIGKILL can still
 * be read. Waiting until it is ready is the caller's: an HTTP health endpoint, a broker's answer.
 */
final class RestartableChild {

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private @Nullable ChildProcess process;
    private int starts;

    RestartableChild(String name, List<String> command, Path workDir, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /** Starts the program (not waiting for it to be ready) and returns its process. */
    synchronized ChildProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " runs already");
        }
        try {
            if (starts > 0 && Files.exists(logFile)) {
                Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + "." + starts),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            starts++;
            process = ChildProcess.start(name, command, workDir, logFile);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Kills it at once (SIGKILL: no shutdown hook, no flush) and waits until it has ended. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
    }

    /** Asks it to stop (SIGTERM), killing it after {@code grace}. */
    synchronized void stop(Duration grace) throws InterruptedException {
        if (process != null) {
            process.stop(grace);
        }
    }

    /** The running process, or null where it was never started or has ended. */
    synchronized @Nullable ChildProcess running() {
        return process != null && process.isAlive() ? process : null;
    }

    synchronized boolean isAlive() {
        return running() != null;
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    /** The last lines of the current run's log. */
    synchronized List<String> tail(int lines) {
        return process == null ? List.of() : process.tail(lines);
    }
}
