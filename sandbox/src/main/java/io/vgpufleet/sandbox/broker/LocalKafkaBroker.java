package io.vgpufleet.sandbox.broker;

import io.vgpufleet.contracts.messaging.TopicProvisioner;
import io.vgpufleet.sandbox.process.PortInUseException;
import io.vgpufleet.sandbox.process.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (one process is both broker and controller),
 * running inside this JVM from the Kafka server classes on the classpath: the sandbox's Kafka, with no
 * Docker and no Kafka download.
 *
 * <p>The first start formats the data directory (as {@code kafka-storage.sh format} does, through
 * Kafka's own {@link Formatter}) with a fresh cluster id; a later start finds {@code meta.properties}
 * there and reuses the data and the cluster id, so topics and records survive restarts.
 *
 * <p>Topics are never created implicitly ({@code auto.create.topics.enable=false}); the suite's topic
 * catalogue is provisioned with {@link #provisionTopics()}, as every component does at start.
 *
 * <pre>{@code
 * try (LocalKafkaBroker broker = LocalKafkaBroker.start(BrokerSettings.defaults())) {
 *     broker.provisionTopics();
 *     ... clients use broker.bootstrapServers() ...
 * } // stopped, data kept
 * }</pre>
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKafkaBroker.class);

    static final String META_PROPERTIES = "meta.properties";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final BrokerSettings settings;
    private final KafkaRaftServer server;
    private final String clusterId;
    private final boolean reusedStorage;
    private boolean stopped;

    private LocalKafkaBroker(BrokerSettings settings, KafkaRaftServer server, String clusterId, boolean reusedStorage) {
        this.settings = settings;
        this.server = server;
        this.clusterId = clusterId;
        this.reusedStorage = reusedStorage;
    }

    /**
     * Formats the data directory where needed, starts the broker and returns once it answers clients.
     *
     * @throws PortInUseException where the broker or controller port is taken (nothing was started)
     * @throws IllegalStateException where the broker did not start; it has been shut down again
     */
    public static LocalKafkaBroker start(BrokerSettings settings) throws InterruptedException {
        Objects.requireNonNull(settings, "settings");
        Ports.requireFree(settings.host(), settings.port(), "Kafka broker");
        Ports.requireFree(settings.host(), settings.controllerPort(), "Kafka controller");
        Path dataDir = settings.dataDir().toAbsolutePath().normalize();
        KafkaConfig config = new KafkaConfig(serverProperties(settings, dataDir), false);
        boolean reused = Files.isRegularFile(dataDir.resolve(META_PROPERTIES));
        String clusterId = reused ? readClusterId(dataDir) : format(config, dataDir);
        log.info("starting Kafka broker on {}:{} (cluster {}, data {}, {})", settings.host(), settings.port(),
                clusterId, dataDir, reused ? "reused" : "newly formatted");
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        LocalKafkaBroker broker = new LocalKafkaBroker(settings, server, clusterId, reused);
        try {
            server.startup();
            broker.awaitReady(READY_TIMEOUT);
            return broker;
        } catch (InterruptedException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The broker's configuration as Kafka names it; package-private for tests. */
    static Map<String, String> serverProperties(BrokerSettings settings, Path dataDir) {
        String host = settings.host();
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@" + host + ":" + settings.controllerPort()),
                Map.entry("listeners", BROKER_LISTENER + "://" + host + ":" + settings.port() + ","
                        + CONTROLLER_LISTENER + "://" + host + ":" + settings.controllerPort()),
                Map.entry("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + settings.port()),
                Map.entry("listener.security.protocol.map",
                        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("inter.broker.listener.name", BROKER_LISTENER),
                Map.entry("log.dirs", dataDir.toString()),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "12"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "12"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // one machine, two cores: keep the broker's own footprint small
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4"),
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024)));
    }

    private static String format(KafkaConfig config, Path dataDir) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(config.nodeId())
                    .setClusterId(clusterId)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(dataDir.toString())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
        log.debug("formatted Kafka storage: {}", output.toString(StandardCharsets.UTF_8).strip());
        return clusterId;
    }

    private static String readClusterId(Path dataDir) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve(META_PROPERTIES))) {
            meta.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + dataDir.resolve(META_PROPERTIES), e);
        }
        String clusterId = meta.getProperty("cluster.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalStateException(dataDir.resolve(META_PROPERTIES) + " has no cluster.id; delete "
                    + dataDir + " (or run the sandbox with --fresh) to start over");
        }
        return clusterId;
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        try (Admin admin = admin()) {
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            if (brokers == 0) {
                throw new IllegalStateException("Kafka broker started but reports no brokers");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker did not answer within " + timeout.toSeconds() + " s: "
                    + e.getMessage(), e);
        }
    }

    /** Creates the suite's topic catalogue, idempotently (see {@link TopicProvisioner}). */
    public TopicProvisioner.Report provisionTopics() throws InterruptedException {
        try (Admin admin = admin()) {
            return new TopicProvisioner(admin, (short) 1).provision();
        }
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
    }

    /** {@code host:port} of the plain listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return settings.host() + ":" + settings.port();
    }

    public String clusterId() {
        return clusterId;
    }

    /** Whether this start found formatted storage from an earlier run (and kept its data). */
    public boolean reusedStorage() {
        return reusedStorage;
    }

    public BrokerSettings settings() {
        return settings;
    }

    /** Stops the broker and waits for it to finish; the data directory stays. Idempotent. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        log.info("stopping Kafka broker on {}", bootstrapServers());
        server.shutdown();
        server.awaitShutdown();
    }
}
