package io.vgpufleet.agent;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.agent.commands.CommandHandler;
import io.vgpufleet.agent.commands.CommandIntake;
import io.vgpufleet.agent.commands.HostState;
import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.http.AgentHttpServer;
import io.vgpufleet.agent.kernel.HostWriter;
import io.vgpufleet.agent.kernel.SysfsHostWriter;
import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.agent.nvml.NoNvml;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.agent.publishing.SnapshotPublisher;
import io.vgpufleet.agent.publishing.TopicSetup;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedHostWriter;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's process: parses the command line ({@link AgentConfig}), lays out the simulated host
 * where asked, and wires discovery, snapshot publishing, command intake and the HTTP server.
 *
 * <p>Start order: simulated host, HTTP server (so {@code /healthz} answers while Kafka is awaited),
 * topic catalogue, first snapshot, snapshot ticks, command intake. {@link #close()} stops them in
 * reverse.
 *
 * <pre>{@code
 * try (NodeAgent agent = NodeAgent.start(config, Clock.systemUTC())) {
 *     int port = agent.httpPort();
 * }
 * }</pre>
 */
public final class NodeAgent implements AutoCloseable {

    public static final String VERSION = versionOfJar();
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

    private final AgentConfig config;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private AgentHttpServer http;

    private NodeAgent(AgentConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help")) {
            System.out.println(AgentConfig.USAGE);
            return;
        }
        AgentConfig config;
        try {
            config = AgentConfig.parse(List.of(args), System.getenv());
        } catch (AgentConfig.UsageException e) {
            System.err.println("node-agent: " + e.getMessage());
            System.err.println(AgentConfig.USAGE);
            System.exit(2);
            return;
        }
        NodeAgent agent;
        try {
            agent = start(config, Clock.systemUTC());
        } catch (RuntimeException e) {
            log.error("node-agent could not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "node-agent-shutdown"));
        stopped.await();
    }

    /**
     * Starts an agent; on failure, whatever was started is closed again.
     *
     * @throws IllegalStateException where the simulated host cannot be laid out or Kafka cannot be reached
     */
    public static NodeAgent start(AgentConfig config, Clock clock) throws InterruptedException {
        NodeAgent agent = new NodeAgent(config);
        try {
            agent.startParts(clock);
            return agent;
        } catch (RuntimeException | InterruptedException e) {
            agent.close();
            throw e;
        }
    }

    private void startParts(Clock clock) throws InterruptedException {
        String hostId = config.hostId();
        NvmlPort nvml;
        HostWriter writer;
        HostProfile profile = config.simulation();
        if (profile != null) {
            SimulatedHost host = SimulatedHost.layOut(config.sysfsRoot(), profile, config.seed());
            nvml = new SimulatedNvml(host.root());
            writer = new SimulatedHostWriter(new SimulatedKernel(host.root()));
        } else {
            nvml = new NoNvml();
            writer = new SysfsHostWriter(config.sysfsRoot());
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("host", hostId);
        running.push(registry::close);
        AgentMetrics metrics = new AgentMetrics(registry);

        EventCodec codec = new EventCodec(clock, UUID::randomUUID, config.eventSource());
        EventPublisher publisher = new EventPublisher(
                EventPublisher.producer(config.bootstrapServers(), "node-agent-" + hostId, Map.of()), codec);
        running.push(publisher);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(config.sysfsRoot()), nvml, hostId);
        SnapshotPublisher snapshots = new SnapshotPublisher(hostId, VERSION, discovery, publisher, clock,
                config.heartbeat(), metrics);
        CommandHandler handler = new CommandHandler(hostId, new HostState() {
            @Override
            public DiscoveredHost discover() {
                return snapshots.discover();
            }

            @Override
            public void changed() {
                snapshots.publishChange("command");
            }
        }, writer, clock);
        CommandIntake intake = new CommandIntake(hostId, config.bootstrapServers(), codec, publisher, handler, metrics);
        running.push(intake);

        http = new AgentHttpServer(config.httpBind(), config.httpPort(), registry,
                () -> new AgentHttpServer.Health(hostId, snapshots.lastPublishedAt().orElse(null), snapshots.kafkaOk(),
                        intake.running(), config.simulated()),
                config.simulated());
        running.push(http);
        http.start();

        TopicSetup.provision(config.bootstrapServers(), "node-agent-" + hostId + "-admin");
        running.push(snapshots);
        snapshots.start();
        intake.start();
        log.info("node agent {} for host {} up: HTTP on {}:{}, sysfs {}{}", VERSION, hostId, config.httpBind(),
                http.port(), config.sysfsRoot(), profile == null ? "" : ", simulating " + profile.optionName());
    }

    /** The port the HTTP server bound (the configured one, or the one chosen for port 0). */
    public int httpPort() {
        return http.port();
    }

    public AgentConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        while (!running.isEmpty()) {
            AutoCloseable part = running.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", part, e.toString());
            }
        }
    }

    private static String versionOfJar() {
        String version = NodeAgent.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }
}
