package io.vgpufleet.system;

import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.sandbox.process.ChildProcess;
import io.vgpufleet.sandbox.process.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The system's Kafka broker as a child process, so that a test can kill it as {@code kill -9} does: the
 * sandbox's broker alone ({@code --no-services}: one KRaft node, the topic catalogue provisioned), on a
 * port of this run and with its data directory kept across restarts, as a real broker's disk is.
 */
final class BrokerProcess {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final RestartableChild child;
    private final String bootstrapServers;
    private final Admin admin;

    private BrokerProcess(RestartableChild child, String bootstrapServers) {
        this.child = child;
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
        BrokerProcess broker = new BrokerProcess(new RestartableChild("kafka", List.of(java, "-Xmx512m", "-jar",
                sandboxJar.toString(), "--no-services", "--kafka-port=" + port, "--data-dir=" + dataDir), repo,
                logFile), "127.0.0.1:" + port);
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

    synchronized void start() {
        ChildProcess process = child.start();
        Set<String> catalogue = new TreeSet<>(TopicCatalogue.all().stream().map(Topic::name).toList());
        try {
            await().atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(200))
                    // not answering yet: the broker is starting
                    .ignoreExceptionsMatching(e -> e instanceof ExecutionException || e instanceof TimeoutException)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("the broker ended with " + process.exitCode()
                                    + "; last lines of " + child.logFile() + ":\n" + String.join("\n", process.tail(40)));
                        }
                        return admin.listTopics().names().get(5, TimeUnit.SECONDS).containsAll(catalogue);
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the broker did not come up with the topic catalogue within "
                    + STARTUP_TIMEOUT.toSeconds() + " s; last lines of " + child.logFile() + ":\n"
                    + String.join("\n", process.tail(40)), e);
        }
    }

    /** Kills the broker at once (SIGKILL: no flush, no controlled shutdown) and waits until it has ended. */
    synchronized void kill() throws InterruptedException {
        child.kill();
    }

    /** Starts it again on the same port and data, and waits until it answers with the catalogue. */
    synchronized void restart() throws InterruptedException {
        kill();
        start();
    }

    /** Stops it (SIGTERM, then SIGKILL after a grace period) and closes the admin client. */
    synchronized void stop() throws InterruptedException {
        admin.close(Duration.ofSeconds(1));
        child.stop(STOP_GRACE);
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
