package io.vgpufleet.system;

import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.sandbox.process.ChildProcess;
import io.vgpufleet.sandbox.process.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The system's Kafka broker as a child process, so that a test can kill it as {@code kill -9} does: the
 * sandbox's broker alone ({@code --no-services}: one KRaft node, the topic catalogue provisioned), on a
 * port of this run and with its data directory kept across restarts, as a real broker's disk is.
 */
final class BrokerProcess {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private final String bootstrapServers;
    private final Admin admin;
    private ChildProcess process;
    private int starts;

    private BrokerProcess(List<String> command, Path workDir, Path logFile, String bootstrapServers) {
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.logFile = logFile;
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
    }

    /** Starts the broker from the sandbox's runnable jar and returns once it holds the whole topic catalogue. */
    static BrokerProcess start(String java, Path sandboxJar, Path repo, Path dataDir, Path logFile)
            throws InterruptedException {
        if (!Files.isRegularFile(sandboxJar)) {
            throw new IllegalStateException(sandboxJar + " does not exist: system tests run the built jars; run"
                    + " `mvn verify` from the repository root (or `mvn -DskipTests package` first)");
        }
        int port = freePortPair();
        BrokerProcess broker = new BrokerProcess(List.of(java, "-Xmx512m", "-jar", sandboxJar.toString(),
                "--no-services", "--kafka-port=" + port, "--data-dir=" + dataDir), repo, logFile, "127.0.0.1:" + port);
        broker.start();
        return broker;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** An admin client of the broker, kept across restarts; owned here: do not close it. */
    Admin admin() {
        return admin;
    }

    synchronized void start() throws InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker runs already");
        }
        try {
            if (starts > 0 && Files.exists(logFile)) {
                Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + "." + starts),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            starts++;
            process = ChildProcess.start("kafka", command, workDir, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the broker", e);
        }
        Set<String> catalogue = new java.util.TreeSet<>(TopicCatalogue.all().stream().map(Topic::name).toList());
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker ended with " + process.exitCode() + "; last lines of "
                        + logFile + ":\n" + String.join("\n", process.tail(40)));
            }
            try {
                Set<String> topics = admin.listTopics().names().get(5, TimeUnit.SECONDS);
                if (topics.containsAll(catalogue)) {
                    return;
                }
                last = (catalogue.size() - catalogue.stream().filter(topics::contains).count()) + " topics missing";
            } catch (ExecutionException | TimeoutException e) {
                last = e.toString();
            }
            Thread.sleep(200); // polling a starting process: there is nothing to wait on but its answer
        }
        process.kill();
        throw new IllegalStateException("the broker did not come up within " + STARTUP_TIMEOUT.toSeconds() + " s ("
                + last + "); last lines of " + logFile + ":\n" + String.join("\n", process.tail(40)));
    }

    /** Kills the broker at once (SIGKILL: no flush, no controlled shutdown) and waits until it has ended. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
    }

    /** Starts it again on the same port and data, and waits until it answers with the catalogue. */
    synchronized void restart() throws InterruptedException {
        kill();
        start();
    }

    /** Stops it (SIGTERM, then SIGKILL after a grace period) and closes the admin client. */
    synchronized void stop() throws InterruptedException {
        admin.close(Duration.ofSeconds(1));
        if (process != null) {
            process.stop(STOP_GRACE);
        }
    }

    /** A port whose successor is free too: the sandbox's controller listens on the broker's port + 1. */
    private static int freePortPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = Ports.anyFree();
            if (port < 65535 && Ports.isFree("127.0.0.1", port + 1)) {
                return port;
            }
        }
        throw new IllegalStateException("found no two free consecutive ports on 127.0.0.1");
    }
}
