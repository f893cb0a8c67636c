package io.vgpufleet.agent;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.agent.commands.CommandHandler;
import io.vgpufleet.agent.commands.CommandIntake;
import io.vgpufleet.agent.commands.HostState;
import io.vgpufleet.agent.commands.OutcomeJournal;
import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.discovery.VgpuManagerProbe;
import io.vgpufleet.agent.health.HealthMonitor;
import io.vgpufleet.agent.http.AgentHttpServer;
import io.vgpufleet.agent.hypervisor.HypervisorPort;
import io.vgpufleet.agent.hypervisor.SimulatedDomainEvents;
import io.vgpufleet.agent.hypervisor.SimulatedHypervisor;
import io.vgpufleet.agent.hypervisor.SimulatedVmControl;
import io.vgpufleet.agent.hypervisor.VirshHypervisor;
import io.vgpufleet.agent.hypervisor.WatchedDomains;
import io.vgpufleet.agent.http.FaultInjection;
import io.vgpufleet.agent.kernel.HostWriter;
import io.vgpufleet.agent.kernel.KernelError;
import io.vgpufleet.agent.persistence.DefiningHostWriter;
import io.vgpufleet.agent.persistence.DefinitionReconcile;
import io.vgpufleet.agent.persistence.MdevDefinition;
import io.vgpufleet.agent.persistence.MdevDefinitions;
import io.vgpufleet.agent.kernel.SysfsHostWriter;
import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.agent.nvml.NvmlLoader;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.agent.publishing.SnapshotPublisher;
import io.vgpufleet.agent.publishing.TopicSetup;
import io.vgpufleet.agent.simulator.Fault;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedFaults;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedHostWriter;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The node agent's process: parses the command line ({@link AgentConfig}), lays out the simulated host
 * where asked, and wires discovery, snapshot publishing, command intake and the HTTP server.
 *
 * <p>Start order: simulated host, HTTP server (so {@code /healthz} answers while Kafka is awaited),
 * topic catalogue, first snapshot, snapshot ticks, command intake, health monitor (NVML events and the
 * counter poll). {@link #close()} stops them in
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
    /**
     * Bounded buffering while the broker is away: at most 4 MiB held, {@code send} blocks at most a
     * second (so the snapshot, command and health loops never stall long), a record is given up after
     * two minutes; the snapshot publisher then sends a fresh full snapshot once the broker is back.
     *
     * <p>Footprint (docs/adr/0011): gzip instead of the contracts' zstd, because every zstd batch makes a
     * native compression context of a few MiB that the C heap keeps (about 2 MiB of the agent's RSS,
     * measured), while gzip runs in the JVM's own zlib with a context of a few hundred KiB; the agent's
     * records are small and rare. No client telemetry push (KIP-714): nothing in the fleet subscribes to
     * it, and the agent's metrics are on its own {@code /metrics}.
     *
     * <p>No linger (the contracts' producer lingers 5 ms): every command reply, and the snapshot a saga's VERIFY
     * waits for, is on the critical path of a migration step, and the agent's records come one or a few at a
     * time, so lingering batched nothing and could hold each of them up to 5 ms. (MigrationBench's round-trip
     * breakdown, docs/benchmarks.md, issue 8, third session: on the shared 2-core machine the gain was within
     * the load's noise.) Records sent while a request is in flight still go out together.
     */
    public static final Map<String, Object> PRODUCER_OVERRIDES = Map.of(
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip",
            CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);

    private final AgentConfig config;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    /**
     * Where the agent keeps what must outlive it on a real host: systemd's {@code $STATE_DIRECTORY}
     * (the unit's {@code StateDirectory=vgpu-agent}) where set, else this.
     */
    static final String STATE_DIR = "/var/lib/vgpu-agent";

    private AgentHttpServer http;

    private NodeAgent(AgentConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).stream().anyMatch(arg -> arg.startsWith("--fleet="))) {
            io.vgpufleet.agent.fleet.FleetMain.main(args); // one process simulating a fleet (issue 10)
            return;
        }
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
        // TLS settings first: a missing store or password file stops the agent before anything starts
        Map<String, Object> kafkaSecurity = config.kafkaSecurity();
        Map<String, Object> producerSettings = new HashMap<>(PRODUCER_OVERRIDES);
        producerSettings.putAll(kafkaSecurity);
        NvmlPort nvml;
        HostWriter writer;
        FaultInjection faultInjection = null;
        SimulatedHypervisor simulatedHypervisor = null;
        WatchedDomains watchedDomains = null;
        HypervisorPort hypervisor;
        HypervisorPort discoveryHypervisor = null;
        Path procRoot = config.procRoot();
        HostProfile profile = config.simulation();
        if (profile != null) {
            SimulatedHost host = SimulatedHost.layOut(config.sysfsRoot(), profile, config.seed());
            SimulatedFaults faults = new SimulatedFaults(host.root(), clock);
            nvml = new SimulatedNvml(host.root(), faults);
            writer = new SimulatedHostWriter(new SimulatedKernel(host.root()));
            faultInjection = (gpuUuid, body) -> inject(faults, gpuUuid, body);
            simulatedHypervisor = new SimulatedHypervisor(host.root());
            hypervisor = simulatedHypervisor;
            discoveryHypervisor = hypervisor;
            procRoot = host.procRoot();
        } else {
            // libvirt's domains are listed again only when its event stream (or the agent) changed them
            watchedDomains = new WatchedDomains(new VirshHypervisor("virsh", "qemu:///system"), clock,
                    Duration.ofSeconds(30));
            watchedDomains.start();
            running.push(watchedDomains);
            hypervisor = watchedDomains;
            discoveryHypervisor = watchedDomains;
            nvml = NvmlLoader.loadOrFallback();
            if (nvml instanceof AutoCloseable session) {
                running.push(session);
            }
            writer = new SysfsHostWriter(config.sysfsRoot());
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("host", hostId);
        running.push(registry::close);
        AgentMetrics metrics = new AgentMetrics(registry);

        EventCodec codec = new EventCodec(clock, UUID::randomUUID, config.eventSource());
        EventPublisher publisher = new EventPublisher(
                EventPublisher.producer(config.bootstrapServers(), "node-agent-" + hostId, producerSettings), codec,
                metrics::recordProduced);
        running.push(publisher);
        running.push(metrics.kafkaClient(publisher.producer()));
        Path managerProcRoot = procRoot;
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(config.sysfsRoot()), nvml, hostId,
                discoveryHypervisor, () -> VgpuManagerProbe.processRunning(managerProcRoot));
        // mdevctl keeps definitions in /etc/mdevctl.d; a simulated host keeps them inside its own tree.
        MdevDefinitions definitions = new MdevDefinitions(
                profile != null ? config.sysfsRoot() : Path.of("/"));
        reconcileDefinitions(discovery, definitions, writer, metrics);
        writer = new DefiningHostWriter(writer, definitions);
        SnapshotPublisher snapshots = new SnapshotPublisher(hostId, VERSION, discovery, publisher, clock,
                config.heartbeat(), metrics);
        OutcomeJournal outcomes = outcomeJournal(profile != null
                ? config.sysfsRoot().resolve(STATE_DIR.substring(1)) : realStateDir(System.getenv("STATE_DIRECTORY")));
        running.push(outcomes);
        CommandHandler handler = new CommandHandler(hostId, new HostState() {
            @Override
            public DiscoveredHost discover() {
                return snapshots.discover();
            }

            @Override
            public void changed() {
                snapshots.publishChange("command");
            }
        }, writer, clock, hypervisor, nvml, outcomes);
        CommandIntake intake = new CommandIntake(hostId, config.bootstrapServers(), kafkaSecurity, codec, publisher,
                handler, metrics);
        running.push(intake);

        http = new AgentHttpServer(config.httpBind(), config.httpPort(), registry,
                () -> new AgentHttpServer.Health(hostId, snapshots.lastPublishedAt().orElse(null), snapshots.kafkaOk(),
                        intake.running(), config.simulated()),
                faultInjection, simulatedHypervisor == null ? null : new SimulatedVmControl(simulatedHypervisor, snapshots));
        running.push(http);
        http.start();

        if (config.provisionTopics()) {
            TopicSetup.provision(config.bootstrapServers(), "node-agent-" + hostId + "-admin", kafkaSecurity);
        }
        running.push(snapshots);
        snapshots.start();
        if (simulatedHypervisor != null) {
            // a VM another host's agent migrates here is published at once, as libvirt's domain event would be
            running.push(startDomainEvents(config.sysfsRoot(), snapshots));
        }
        if (watchedDomains != null) {
            // a VM started, stopped, paused or migrated here is published at once, not at the next discovery
            watchedDomains.onEvent(() -> snapshots.publishChange("domain event"));
        }
        intake.start();
        AtomicReference<HealthMonitor> monitor = new AtomicReference<>();
        HealthMonitor health = new HealthMonitor(hostId, nvml, () -> gpuUuidByBdf(snapshots), signal ->
                publisher.publish(signal).whenComplete((sent, failure) -> {
                    if (failure != null) {
                        metrics.healthSignalFailed();
                        log.warn("health signal {} was not taken by the broker: {}; the next poll signals the GPU's"
                                + " counters in full", signal, failure.toString());
                        monitor.get().signalLost(signal.gpuUuid());
                    }
                }), clock, config.healthPoll(), metrics);
        monitor.set(health);
        running.push(health);
        health.start();
        log.info("node agent {} for host {} up: HTTP on {}:{}, sysfs {}{}", VERSION, hostId, config.httpBind(),
                http.port(), config.sysfsRoot(), profile == null ? "" : ", simulating " + profile.optionName());
    }

    /**
     * Start-up reconcile of mdevctl's definitions against the active mdevs: auto-start definitions that
     * are missing (after a reboot) are created again; active mdevs without a definition are reported.
     * Both go to the log, the metrics and every snapshot's {@code vgpuManager.problems}.
     */
    private static void reconcileDefinitions(HostDiscovery discovery, MdevDefinitions definitions, HostWriter writer,
            AgentMetrics metrics) {
        List<String> problems = new ArrayList<>();
        List<MdevDefinition> defined = definitions.all(problems);
        Set<String> active = new TreeSet<>();
        discovery.discover().vgpus().stream().filter(vgpu -> vgpu.virtualFunctionBdf() == null)
                .forEach(vgpu -> active.add(vgpu.uuid()));
        DefinitionReconcile.Plan plan = DefinitionReconcile.plan(defined, active);
        for (MdevDefinition missing : plan.recreate()) {
            try {
                writer.createMdev(missing.parentBdf(), missing.mdevType(), missing.uuid());
                metrics.definitionRepaired(true);
                problems.add("mdevctl repaired: created auto-start mdev " + missing.uuid() + " (" + missing.mdevType()
                        + " on " + missing.parentBdf() + ") again");
            } catch (KernelError e) {
                metrics.definitionRepaired(false);
                problems.add("mdevctl repair failed: auto-start mdev " + missing.uuid() + " (" + missing.mdevType()
                        + " on " + missing.parentBdf() + "): " + e.getMessage());
            }
        }
        metrics.definitionDrift(plan.undefinedActive().size());
        plan.undefinedActive().forEach(uuid -> problems.add("mdevctl drift: active mdev " + uuid + " has no definition"));
        problems.forEach(problem -> log.warn("start-up reconcile: {}", problem));
        discovery.reportStanding(problems);
    }

    private static AutoCloseable startDomainEvents(Path root, SnapshotPublisher snapshots) {
        try {
            return SimulatedDomainEvents.start(root, () -> snapshots.publishChange("vm arrived"));
        } catch (IOException e) {
            log.warn("cannot watch the simulated VMs ({}); VMs migrated here show at the next discovery", e.toString());
            return () -> { };
        }
    }

    /** {@code $STATE_DIRECTORY} (its first path, as systemd may list several) or {@link #STATE_DIR}. */
    static Path realStateDir(@Nullable String stateDirectory) {
        if (stateDirectory == null || stateDirectory.isBlank()) {
            return Path.of(STATE_DIR);
        }
        Path first = Path.of(stateDirectory.split(":", 2)[0]);
        return first.isAbsolute() ? first : Path.of(STATE_DIR);
    }

    /**
     * The journal of command outcomes in the agent's state directory; where that cannot be opened the
     * agent still runs, answering repeats only while it lives, and says so loudly.
     */
    private static OutcomeJournal outcomeJournal(Path stateDir) {
        try {
            OutcomeJournal journal = OutcomeJournal.open(stateDir);
            log.info("command outcome journal in {}: {} outcome(s) remembered", stateDir, journal.size());
            return journal;
        } catch (UncheckedIOException e) {
            log.error("cannot keep command outcomes in {} ({}); a command redelivered after a restart may run twice",
                    stateDir, e.getCause().toString());
            return OutcomeJournal.inMemory();
        }
    }

    private static Map<String, String> gpuUuidByBdf(SnapshotPublisher snapshots) {
        Map<String, String> gpus = new LinkedHashMap<>();
        snapshots.lastDiscovered().ifPresent(host -> host.gpus().forEach(gpu -> gpus.put(gpu.pciBdf(), gpu.uuid())));
        return gpus;
    }

    /** The simulator's answer to {@code POST /sim/gpus/{gpuUuid}/faults}. */
    private static FaultInjection.Outcome inject(SimulatedFaults faults, String gpuUuid, JsonNode body) {
        Fault fault;
        try {
            fault = Fault.parse(body);
        } catch (IllegalArgumentException e) {
            return new FaultInjection.Outcome(400, e.getMessage());
        }
        SimulatedFaults.Outcome outcome = faults.inject(gpuUuid, fault);
        if (outcome instanceof SimulatedFaults.Applied applied) {
            log.info("injected {} into GPU {} at {}", fault, gpuUuid, applied.pciBdf());
            return new FaultInjection.Outcome(202, fault + " on " + applied.pciBdf());
        }
        if (outcome instanceof SimulatedFaults.NotApplicable refused) {
            return new FaultInjection.Outcome(409, refused.reason());
        }
        return new FaultInjection.Outcome(404, "this simulated host has no GPU " + gpuUuid);
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
