package io.vgpufleet.system;

import io.vgpufleet.sandbox.SandboxLayout;
import io.vgpufleet.sandbox.process.Ports;
import io.vgpufleet.sandbox.security.DevTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;

/**
 * The system under test, one per test JVM, shared by every system IT: a real Kafka broker (KRaft) with
 * the topic catalogue ({@link BrokerProcess}) and the components, each a child process started from the
 * jars the reactor built, each on an ephemeral port, logging to {@code target/system/<run>/logs/<name>.log}.
 *
 * <p>The services verify bearer tokens with a key made for the run ({@link DevTokens}, as the sandbox
 * does): {@link Http} sends an operator's token on every call unless a test gives its own, and the
 * services present a service token (operator) when they call each other.
 *
 * <p>Services start on first use ({@link #service}) and stay up for the next test class; simulated
 * hosts are added per test ({@link #addHost}), each with a host id of its own, so tests sharing the
 * fleet keep apart by host id. Everything is stopped when the JVM ends.
 *
 * <pre>{@code
 * SystemUnderTest system = SystemUnderTest.get();
 * ComponentProcess inventory = system.service(Service.INVENTORY);
 * SimulatedHost host = system.addHost("a100");
 * ... Http.get(inventory.url("/api/v1/hosts/" + host.hostId())) ...
 * inventory.kill(); inventory.restart();
 * }</pre>
 */
public final class SystemUnderTest {

    /** The services, by their Maven module (and jar) name. */
    public enum Service {
        INVENTORY("inventory-service"),
        LIFECYCLE("lifecycle-service"),
        HEALTH("health-service"),
        MIGRATION("migration-service");

        private final String module;

        Service(String module) {
            this.module = module;
        }

        public String module() {
            return module;
        }
    }

    private static final Duration TOKEN_LIFETIME = Duration.ofHours(6);
    private static SystemUnderTest instance;

    private final Path repo;
    private final Path runDir;
    private final BrokerProcess broker;
    private final DevTokens tokens;
    private final Path serviceToken;
    private final Map<Service, ComponentProcess> services = new LinkedHashMap<>();
    private final Map<Service, List<String>> arguments = new LinkedHashMap<>();
    private final List<SimulatedHost> hosts = new ArrayList<>();
    private final AtomicInteger hostNumbers = new AtomicInteger();

    private SystemUnderTest(Path repo, Path runDir, BrokerProcess broker, DevTokens tokens, Path serviceToken) {
        this.repo = repo;
        this.runDir = runDir;
        this.broker = broker;
        this.tokens = tokens;
        this.serviceToken = serviceToken;
    }

    /** The shared system: started on the first call (the broker only), stopped when the JVM ends. */
    public static synchronized SystemUnderTest get() throws InterruptedException {
        if (instance == null) {
            Path repo = Path.of(System.getProperty("vgpu.repo", "..")).toAbsolutePath().normalize();
            Path runDir = Path.of(System.getProperty("vgpu.system.dir", "target/system")).toAbsolutePath()
                    .resolve("run-" + Instant.now().toString().replace(':', '-'));
            try {
                Files.createDirectories(runDir.resolve("logs"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            BrokerProcess broker = BrokerProcess.start(javaBinary(),
                    SandboxLayout.sandboxJarOf(repo),
                    repo, runDir.resolve("kafka"), runDir.resolve("logs").resolve("kafka.log"));
            DevTokens tokens;
            Path serviceToken = runDir.resolve("tokens").resolve("service.jwt");
            try {
                tokens = DevTokens.openOrCreate(runDir.resolve("keys"), Clock.systemUTC());
                Files.createDirectories(serviceToken.getParent());
                Files.writeString(serviceToken, tokens.mint("system-tests-service", List.of("operator"), TOKEN_LIFETIME));
            } catch (IOException e) {
                throw new UncheckedIOException("could not make the run's signing key and tokens", e);
            }
            Http.authorizeWith("Bearer " + tokens.mint("system-tests-operator", List.of("operator"), TOKEN_LIFETIME));
            SystemUnderTest started = new SystemUnderTest(repo, runDir, broker, tokens, serviceToken);
            Runtime.getRuntime().addShutdownHook(new Thread(started::stopEverything, "system-under-test-stop"));
            instance = started;
        }
        return instance;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** {@code Bearer <JWT>} for a subject with these roles (viewer, operator, admin), trusted by the services. */
    public String bearer(String subject, String... roles) {
        return "Bearer " + tokens.mint(subject, List.of(roles), TOKEN_LIFETIME);
    }

    /** An admin client of the broker, kept across its restarts (owned by the system: do not close it). */
    public Admin admin() {
        return broker.admin();
    }

    /** Kills the broker as {@code kill -9} does and starts it again on the same port and data. */
    public void restartBroker() throws InterruptedException {
        broker.restart();
    }

    /** The directory that holds this run's broker data, logs, hosts and service state. */
    public Path runDir() {
        return runDir;
    }

    /** The running service, started (and waited for) on first use with the default arguments. */
    public ComponentProcess service(Service service) throws InterruptedException {
        return service(service, List.of());
    }

    /**
     * The running service. It is started (and waited for) with the defaults, the addresses of the
     * services it calls (lifecycle and migration get inventory's, starting inventory first) and then
     * {@code extraArguments} (e.g. shorter timeouts). A service already running with other extra
     * arguments is stopped and started again with these, on the same port and state.
     */
    public synchronized ComponentProcess service(Service service, List<String> extraArguments)
            throws InterruptedException {
        ComponentProcess running = services.get(service);
        List<String> wanted = List.copyOf(extraArguments);
        if (running != null && (wanted.isEmpty() || wanted.equals(arguments.get(service)))) {
            return running;
        }
        List<String> wiring = new ArrayList<>();
        if (service == Service.LIFECYCLE || service == Service.MIGRATION) {
            String key = service == Service.LIFECYCLE ? "lifecycle" : "migration";
            String option = "--vgpu." + key + ".inventory-url=";
            if (wanted.stream().noneMatch(argument -> argument.startsWith(option))) {
                wiring.add(option + service(Service.INVENTORY).baseUrl());
            }
        }
        int port;
        if (running != null) {
            running.stop();
            port = running.baseUrl().getPort();
        } else {
            port = Ports.anyFree();
        }
        Path state = runDir.resolve("state").resolve(service.module());
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(SandboxLayout.SERVICE_JVM_OPTIONS);
        String heap = System.getProperty("vgpu.service.xmx");
        if (heap != null) {
            // a scale bench raises the services' heap (the last -Xmx given wins); e.g. -Dvgpu.service.xmx=1g
            if (!heap.matches("[0-9]{1,6}[mMgG]")) {
                throw new IllegalArgumentException("vgpu.service.xmx must look like 512m or 2g, was " + heap);
            }
            command.add("-Xmx" + heap);
        }
        command.add("-jar");
        command.add(jar(service.module()).toString());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.add("--spring.kafka.bootstrap-servers=" + bootstrapServers());
        command.add("--spring.cloud.stream.kafka.binder.brokers=" + bootstrapServers());
        command.add("--vgpu.health.streams.state-dir=" + state);
        command.add("--vgpu.inventory.claims.streams.state-dir=" + state);
        command.add("--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + tokens.publicKey());
        command.add("--vgpu.security.issuer=" + DevTokens.ISSUER);
        command.add("--vgpu.security.client-token-file=" + serviceToken);
        command.addAll(wiring);
        command.addAll(wanted);
        URI base = URI.create("http://127.0.0.1:" + port);
        ComponentProcess process = new ComponentProcess(service.module(), command, repo,
                runDir.resolve("logs").resolve(service.module() + ".log"), base, base.resolve("/actuator/health"));
        process.start();
        services.put(service, process);
        arguments.put(service, wanted);
        return process;
    }

    /** A new simulated host with a node agent, of a profile (p4, t4, a100, h100, mixed, a100x8), up and healthy. */
    public SimulatedHost addHost(String profile) throws InterruptedException {
        int n = hostNumbers.incrementAndGet();
        String hostId = String.format("sys-%03d", n);
        Path sysfsRoot = runDir.resolve("hosts").resolve(hostId);
        int port = Ports.anyFree();
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(SandboxLayout.AGENT_JVM_OPTIONS);
        command.add("-jar");
        command.add(jar("node-agent").toString());
        command.add("--host-id=" + hostId);
        command.add("--bootstrap-servers=" + bootstrapServers());
        command.add("--http-port=" + port);
        command.add("--sysfs-root=" + sysfsRoot);
        command.add("--simulate=" + profile);
        command.add("--seed=" + n);
        SimulatedHost host = new SimulatedHost(hostId, profile, sysfsRoot, command, repo,
                runDir.resolve("logs").resolve("node-agent-" + hostId + ".log"), URI.create("http://127.0.0.1:" + port));
        host.start();
        synchronized (this) {
            hosts.add(host);
        }
        return host;
    }

    private Path jar(String module) {
        Path jar = SandboxLayout.jarOf(repo, module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: system tests run the built jars; run `mvn verify`"
                    + " from the repository root (or `mvn -DskipTests package` first)");
        }
        return jar;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private synchronized void stopEverything() {
        List<ComponentProcess> all = new ArrayList<>(hosts);
        all.addAll(services.values());
        try {
            ComponentProcess.stopAll(all);
            broker.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
