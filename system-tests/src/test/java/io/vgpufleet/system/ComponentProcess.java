package io.vgpufleet.system;

import io.vgpufleet.sandbox.process.ChildProcess;
import io.vgpufleet.sandbox.process.HealthWait;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One component of the system under test running as a child process: started from its jar, killed
 * as {@code kill -9} does, started again with the same command line (same port, same state
 * directory), each time waited for until its health endpoint answers 200. Its log survives restarts
 * ({@link RestartableChild}).
 */
public class ComponentProcess {

    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final RestartableChild child;
    private final URI baseUrl;
    private final URI healthUrl;

    ComponentProcess(String name, List<String> command, Path workDir, Path logFile, URI baseUrl, URI healthUrl) {
        this.child = new RestartableChild(name, command, workDir, logFile);
        this.baseUrl = baseUrl;
        this.healthUrl = healthUrl;
    }

    /** Starts the program and returns once its health endpoint answers 200. */
    synchronized void start() throws InterruptedException {
        ChildProcess started = child.start();
        HealthWait.Result result = new HealthWait(Duration.ofMillis(200))
                .await(List.of(new HealthWait.Target(name(), healthUrl, started::isAlive)), STARTUP_TIMEOUT);
        if (!result.allUp()) {
            String why = result.notUp().get(name());
            started.kill();
            throw new IllegalStateException(name() + " did not come up: " + why + "; last lines of " + logFile()
                    + ":\n" + String.join("\n", started.tail(40)));
        }
    }

    /** Kills the program at once (SIGKILL: no shutdown hook, no flush) and waits until it has ended. */
    public synchronized void kill() throws InterruptedException {
        child.kill();
    }

    /** Starts it again with the same command line and waits until it is healthy. */
    public synchronized void restart() throws InterruptedException {
        kill();
        start();
    }

    /** Asks it to stop (SIGTERM), killing it after a grace period. */
    public synchronized void stop() throws InterruptedException {
        child.stop(STOP_GRACE);
    }

    /**
     * Asks all of them to stop at once (SIGTERM) and kills those still running after one grace period for
     * all: stopping them one by one took longer than the test JVM is given to exit, and the build killed the
     * JVM with its children left running.
     */
    static void stopAll(List<ComponentProcess> components) throws InterruptedException {
        List<ChildProcess> running = new java.util.ArrayList<>();
        for (ComponentProcess component : components) {
            ChildProcess process = component.child.running();
            if (process != null) {
                running.add(process);
            }
        }
        ChildProcess.stopAll(running, STOP_GRACE);
    }

    public synchronized boolean isAlive() {
        return child.isAlive();
    }

    public String name() {
        return child.name();
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
        return child.logFile();
    }

    /** The last lines of the log, for a failure message. */
    public List<String> tail(int lines) {
        return child.tail(lines);
    }

    @Override
    public String toString() {
        return name() + " at " + baseUrl + " (log " + logFile() + ")";
    }
}
