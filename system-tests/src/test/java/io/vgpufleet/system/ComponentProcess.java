package io.vgpufleet.system;

import io.vgpufleet.sandbox.process.ChildProcess;
import io.vgpufleet.sandbox.process.HealthWait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * One component of the system under test running as a child process: started from its jar, killed
 * as {@code kill -9} does, started again with the same command line (same port, same state
 * directory), each time waited for until its health endpoint answers 200.
 *
 * <p>Logs survive restarts: before each start after the first, the log of the run before is moved aside
 * to {@code <name>.log.<n>} (n = 1 for the first run, 2 for the second, ...), so the last lines a
 * component wrote before a SIGKILL can still be read.
 */
public class ComponentProcess {

    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private final URI baseUrl;
    private final URI healthUrl;
    private ChildProcess process;
    private int starts;

    ComponentProcess(String name, List<String> command, Path workDir, Path logFile, URI baseUrl, URI healthUrl) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.logFile = logFile;
        this.baseUrl = baseUrl;
        this.healthUrl = healthUrl;
    }

    /** Starts the program and returns once its health endpoint answers 200. */
    synchronized void start() throws InterruptedException {
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
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        ChildProcess started = process;
        HealthWait.Result result = new HealthWait(Duration.ofMillis(200))
                .await(List.of(new HealthWait.Target(name, healthUrl, started::isAlive)), STARTUP_TIMEOUT);
        if (!result.allUp()) {
            String why = result.notUp().get(name);
            started.kill();
            throw new IllegalStateException(name + " did not come up: " + why + "; last lines of " + logFile + ":\n"
                    + String.join("\n", started.tail(40)));
        }
    }

    /** Kills the program at once (SIGKILL: no shutdown hook, no flush) and waits until it has ended. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
    }

    /** Starts it again with the same command line and waits until it is healthy. */
    public synchronized void restart() throws InterruptedException {
        kill();
        start();
    }

    /** Asks it to stop (SIGTERM), killing it after a grace period. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.stop(STOP_GRACE);
        }
    }

    /**
     * Asks all of them to stop at once (SIGTERM) and kills those still running after one grace period for
     * all: stopping them one by one took longer than the test JVM is given to exit, and the build killed the
     * JVM with its children left running.
     */
    static void stopAll(List<ComponentProcess> components) throws InterruptedException {
        List<ChildProcess> running = new java.util.ArrayList<>();
        for (ComponentProcess component : components) {
            synchronized (component) {
                if (component.process != null && component.process.isAlive()) {
                    running.add(component.process);
                }
            }
        }
        ChildProcess.stopAll(running, STOP_GRACE);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI baseUrl() {
        return baseUrl;
    }

    /** A URL below the base, e.g. {@code url("/api/v1/hosts")}. */
    public URI url(String path) {
        return baseUrl.resolve(path);
    }

    public Path logFile() {
        return logFile;
    }

    /** The last lines of the log, for a failure message. */
    public List<String> tail(int lines) {
        ChildProcess current = process;
        return current == null ? List.of() : current.tail(lines);
    }

    @Override
    public String toString() {
        return name + " at " + baseUrl + " (log " + logFile + ")";
    }
}
