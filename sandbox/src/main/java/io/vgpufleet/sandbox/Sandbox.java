package io.vgpufleet.sandbox;

import io.vgpufleet.contracts.messaging.TopicProvisioner;
import io.vgpufleet.sandbox.broker.LocalKafkaBroker;
import io.vgpufleet.sandbox.process.ChildProcess;
import io.vgpufleet.sandbox.process.HealthWait;
import io.vgpufleet.sandbox.process.PortInUseException;
import io.vgpufleet.sandbox.process.Ports;
import io.vgpufleet.sandbox.security.DevTokens;
import io.vgpufleet.sandbox.security.TokenCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The whole suite on one machine with one command: a real Kafka broker in this JVM, the four services
 * and a fleet of simulated hosts as child processes, until Ctrl-C.
 *
 * <p>Order of a run: check the options, the jars and every port (nothing is started when one is
 * missing or taken); start the broker and provision the topic catalogue; start the services and node
 * agents, each logging to {@code <data-dir>/logs/<name>.log}; print where everything is; wait until
 * every health endpoint answers 200 (at most {@link #STARTUP_TIMEOUT} overall) and say which did not,
 * with the tail of its log. Then it runs until SIGINT/SIGTERM, when a shutdown hook stops the children
 * (SIGTERM, {@link #STOP_GRACE}, then SIGKILL) and then the broker.
 *
 * <p>Exit codes: 0 after a clean stop or {@code --help}, 2 for a bad command line or a missing jar, 3
 * for a port in use, 1 for anything else that kept the sandbox from starting.
 */
public final class Sandbox {

    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(240);
    static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final int TAIL_LINES = 25;

    private final SandboxLayout layout;
    private final Path workingDir;
    private final PrintStream out;
    private final PrintStream err;
    private final Object lock = new Object();
    private final List<ChildProcess> children = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private @Nullable LocalKafkaBroker broker;
    private boolean stopping;

    Sandbox(SandboxLayout layout, Path workingDir, PrintStream out, PrintStream err) {
        this.layout = layout;
        this.workingDir = workingDir;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws InterruptedException {
        Path workingDir = Path.of("").toAbsolutePath();
        if (args.length > 0 && args[0].equals(TokenCommand.NAME)) {
            System.exit(TokenCommand.run(List.of(args).subList(1, args.length), workingDir, System.out, System.err));
            return;
        }
        SandboxOptions options;
        try {
            options = SandboxOptions.parse(List.of(args));
        } catch (SandboxOptions.UsageException e) {
            System.err.println("sandbox: " + e.getMessage());
            System.err.println(SandboxOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(SandboxOptions.USAGE);
            return;
        }
        Sandbox sandbox = new Sandbox(SandboxLayout.of(options, workingDir), workingDir, System.out, System.err);
        int code = sandbox.start();
        if (code != 0) {
            System.exit(code);
        }
        sandbox.stopped.await();
    }

    /**
     * Starts everything and installs the shutdown hook; returns 0 once the sandbox runs, or the exit code
     * of why it could not start (having stopped whatever it had started).
     */
    int start() throws InterruptedException {
        List<SandboxLayout.Child> missing = layout.missingJars();
        if (!missing.isEmpty()) {
            Map<Path, List<String>> byJar = new LinkedHashMap<>();
            missing.forEach(child -> byJar.computeIfAbsent(child.jar(), jar -> new ArrayList<>()).add(child.name()));
            byJar.forEach((jar, names) -> err.println("sandbox: " + SandboxTable.shown(jar, workingDir)
                    + " does not exist (needed by " + String.join(", ", names) + ")"));
            err.println("sandbox: build it with `./sandbox.sh` (builds everything), or `mvn -B -DskipTests package`"
                    + " in " + layout.repo() + " (or `-pl " + String.join(",", missing.stream()
                            .map(SandboxLayout.Child::module).distinct().toList()) + " -am` for just those),"
                    + " or run the broker alone with --no-services");
            return 2;
        }
        try {
            layout.ports().forEach(use -> Ports.requireFree(SandboxLayout.HOST, use.port(), use.purpose()));
        } catch (PortInUseException e) {
            err.println("sandbox: " + e.getMessage());
            return 3;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "sandbox-shutdown"));
        try {
            prepareDataDir();
            writeDevTokens();
            startBroker();
            startChildren();
        } catch (PortInUseException e) {
            err.println("sandbox: " + e.getMessage());
            stopEverything();
            return 3;
        } catch (IOException | RuntimeException e) {
            err.println("sandbox: could not start: " + e.getMessage());
            stopEverything();
            return 1;
        }
        out.println();
        out.println("vGPU fleet sandbox: started (Kafka bootstrap " + layout.bootstrapServers() + ")");
        out.print(SandboxTable.render(layout, clusterNote(), workingDir));
        out.println();
        awaitHealthy();
        if (!isStopping()) {
            out.println("sandbox: running; stop with Ctrl-C");
        }
        return 0;
    }

    private boolean isStopping() {
        synchronized (lock) {
            return stopping;
        }
    }

    private void prepareDataDir() throws IOException {
        Path dataDir = layout.dataDir();
        if (layout.options().fresh() && Files.exists(dataDir)) {
            try (Stream<Path> entries = Files.list(dataDir)) {
                List<String> foreign = entries.map(p -> p.getFileName().toString())
                        .filter(name -> !SandboxLayout.dataDirEntries().contains(name))
                        .toList();
                if (!foreign.isEmpty()) {
                    throw new IllegalStateException("--fresh would delete " + dataDir + ", which holds more than a"
                            + " sandbox's data (" + foreign + "); delete it yourself or choose another --data-dir");
                }
            }
            out.println("sandbox: --fresh: deleting " + dataDir);
            deleteTree(dataDir);
        }
        Files.createDirectories(layout.logsDir());
        Files.createDirectories(layout.hostsDir());
        Files.createDirectories(layout.stateDir());
    }

    /** The signing key (made on the first run) and fresh tokens for every role. */
    private void writeDevTokens() throws IOException {
        DevTokens tokens = DevTokens.openOrCreate(layout.keysDir(), Clock.systemUTC());
        List<Path> files = tokens.writeRoleTokens(layout.tokensDir(), DevTokens.DEFAULT_LIFETIME);
        // what lifecycle and migration present to inventory; minted anew at every start
        tokens.writeServiceToken(layout.tokensDir(), Duration.ofDays(30));
        out.println("sandbox: dev tokens for " + String.join(", ", DevTokens.ROLES) + " (valid "
                + DevTokens.DEFAULT_LIFETIME.toHours() + " h) in " + SandboxTable.shown(layout.tokensDir(), workingDir)
                + "; writes need one, e.g.");
        out.println("  curl -XPOST -H \"Authorization: Bearer $(cat " + SandboxTable.shown(files.get(1), workingDir)
                + ")\" -H 'Content-Type: application/json' -d '{\"typeId\":\"nvidia-289\"}' "
                + "http://127.0.0.1:8081/api/v1/placements");
        out.println("  another: ./sandbox.sh token ROLE [--subject=NAME] [--ttl=PT1H]");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void startBroker() throws InterruptedException {
        out.println("sandbox: starting Kafka on " + layout.bootstrapServers() + " ...");
        LocalKafkaBroker started = LocalKafkaBroker.start(layout.brokerSettings());
        synchronized (lock) {
            broker = started;
            if (stopping) {
                throw new IllegalStateException("stopped while starting");
            }
        }
        TopicProvisioner.Report report = started.provisionTopics();
        out.println("sandbox: Kafka up (cluster " + started.clusterId() + "); topics: " + report.created().size()
                + " created" + (report.mismatches().isEmpty() ? "" : ", mismatches " + report.mismatches()));
    }

    private void startChildren() throws IOException {
        String java = javaBinary();
        for (SandboxLayout.Child spec : layout.children()) {
            synchronized (lock) {
                if (stopping) {
                    return;
                }
                ChildProcess child = ChildProcess.start(spec.name(), spec.command(java), layout.repo(), spec.logFile());
                child.onUnexpectedExit(code -> err.println("sandbox: " + spec.name() + " exited unexpectedly with code "
                        + code + "; see " + SandboxTable.shown(spec.logFile(), workingDir)
                        + " (the rest keep running)"));
                children.add(child);
            }
        }
    }

    /** The {@code java} that runs this launcher, so children run on the same JDK. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private String clusterNote() {
        @Nullable LocalKafkaBroker current = broker;
        return current == null ? "not started"
                : "cluster " + current.clusterId() + (current.reusedStorage() ? ", data reused" : ", new");
    }

    private void awaitHealthy() throws InterruptedException {
        List<ChildProcess> started;
        synchronized (lock) {
            started = List.copyOf(children);
        }
        if (started.isEmpty()) {
            return;
        }
        List<HealthWait.Target> targets = new ArrayList<>();
        List<SandboxLayout.Child> specs = layout.children();
        for (int i = 0; i < started.size(); i++) {
            ChildProcess child = started.get(i);
            targets.add(new HealthWait.Target(child.name(), specs.get(i).healthUrl(), child::isAlive));
        }
        out.println("sandbox: waiting for " + targets.size() + " health endpoints (at most "
                + STARTUP_TIMEOUT.toSeconds() + " s) ...");
        long begin = System.nanoTime();
        HealthWait.Result result = new HealthWait(POLL_INTERVAL).await(targets, STARTUP_TIMEOUT, this::isStopping);
        if (isStopping()) {
            return; // a process ended because it was asked to: nothing to report
        }
        long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
        if (result.allUp()) {
            out.println("sandbox: all " + targets.size() + " up in " + seconds + " s");
            return;
        }
        for (Map.Entry<String, String> failure : result.notUp().entrySet()) {
            ChildProcess child = started.stream().filter(c -> c.name().equals(failure.getKey())).findFirst().orElseThrow();
            err.println("sandbox: " + failure.getKey() + " did not come up: " + failure.getValue());
            err.println("---- last lines of " + SandboxTable.shown(child.logFile(), workingDir) + " ----");
            try {
                child.tail(TAIL_LINES).forEach(line -> err.println("  " + line));
            } catch (UncheckedIOException e) {
                err.println("  (could not read the log: " + e.getMessage() + ")");
            }
        }
        err.println("sandbox: " + result.up().size() + " of " + targets.size() + " up after " + seconds
                + " s; the rest keep running");
    }

    /** The shutdown hook: children first (they are the broker's clients), then the broker. */
    private void stop() {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        out.println();
        out.println("sandbox: stopping ...");
        boolean clean = stopEverything();
        out.println(clean ? "sandbox: stopped cleanly" : "sandbox: stopped (see the messages above)");
        stopped.countDown();
    }

    private boolean stopEverything() {
        boolean clean = true;
        List<ChildProcess> running;
        @Nullable LocalKafkaBroker runningBroker;
        synchronized (lock) {
            stopping = true;
            running = List.copyOf(children);
            runningBroker = broker;
        }
        try {
            List<String> killed = ChildProcess.stopAll(running, STOP_GRACE);
            if (!killed.isEmpty()) {
                clean = false;
                out.println("sandbox: killed after " + STOP_GRACE.toSeconds() + " s: " + killed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        }
        if (runningBroker != null) {
            try {
                runningBroker.close();
            } catch (RuntimeException e) {
                out.println("sandbox: Kafka did not stop cleanly: " + e.getMessage());
                clean = false;
            }
        }
        return clean;
    }
}
