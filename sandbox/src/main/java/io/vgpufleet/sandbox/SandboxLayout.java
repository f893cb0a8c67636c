package io.vgpufleet.sandbox;

import io.vgpufleet.sandbox.broker.BrokerSettings;
import io.vgpufleet.sandbox.security.DevTokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where everything of one sandbox run lives and how each program is started: the broker's data
 * directory, the log files, the jars, the ports (those of DESIGN.md's "Interfaces everyone relies on")
 * and the command line of every service and simulated host. Pure values: nothing here starts or
 * touches anything, so the layout is unit tested.
 *
 * <pre>
 * .sandbox/kafka                 broker data (meta.properties, topic logs)
 * .sandbox/logs/NAME.log         output of each service and node agent
 * .sandbox/hosts/sim-NN          each simulated host's sysfs tree
 * .sandbox/state/SERVICE         each service's Kafka Streams state
 * .sandbox/keys                  the JWT signing key (made once, 0600) and its public half
 * .sandbox/tokens/ROLE.jwt       dev tokens for viewer, operator and admin, minted at every start
 * </pre>
 */
public final class SandboxLayout {

    /** The GPU profiles of the simulated hosts, in order, repeating for more hosts. */
    public static final List<String> PROFILES = List.of("p4", "t4", "a100", "h100");

    public static final String HOST = "127.0.0.1";
    public static final int FIRST_AGENT_PORT = 9100;
    private static final String VERSION = "0.1.0-SNAPSHOT";

    private static final List<ServiceSpec> SERVICES = List.of(
            new ServiceSpec("inventory-service", 8081),
            new ServiceSpec("lifecycle-service", 8082),
            new ServiceSpec("health-service", 8083),
            new ServiceSpec("migration-service", 8084));

    /** JVM options of a service: small heap, quick start (C1 only), one GC thread. */
    public static final List<String> SERVICE_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    /**
     * JVM options of a node agent: the ones the product runs with (deploy/systemd/node-agent.env,
     * AgentSteadyStateBench; docs/benchmarks.md, "Node agent footprint", says what each one buys).
     */
    public static final List<String> AGENT_JVM_OPTIONS = List.of("-Xmx24m", "-Xms8m", "-Xmn3m",
            "-XX:MaxHeapFreeRatio=20", "-XX:MinHeapFreeRatio=5", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=64m",
            "-XX:CICompilerCount=1", "-Xshare:auto", "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError");

    private final SandboxOptions options;
    private final Path repo;
    private final Path dataDir;

    private SandboxLayout(SandboxOptions options, Path repo, Path dataDir) {
        this.options = options;
        this.repo = repo;
        this.dataDir = dataDir;
    }

    /** Resolves relative paths of the options against {@code workingDir}. */
    public static SandboxLayout of(SandboxOptions options, Path workingDir) {
        Path base = workingDir.toAbsolutePath().normalize();
        return new SandboxLayout(options, base.resolve(options.repo()).normalize(),
                base.resolve(options.dataDir()).normalize());
    }

    public SandboxOptions options() {
        return options;
    }

    public Path repo() {
        return repo;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path kafkaDir() {
        return dataDir.resolve("kafka");
    }

    public Path logsDir() {
        return dataDir.resolve("logs");
    }

    public Path hostsDir() {
        return dataDir.resolve("hosts");
    }

    public Path stateDir() {
        return dataDir.resolve("state");
    }

    public Path keysDir() {
        return dataDir.resolve("keys");
    }

    public Path tokensDir() {
        return dataDir.resolve("tokens");
    }

    /** The entries a sandbox data directory may hold; {@code --fresh} deletes nothing else. */
    public static List<String> dataDirEntries() {
        return List.of("kafka", "logs", "hosts", "state", "keys", "tokens");
    }

    public BrokerSettings brokerSettings() {
        return new BrokerSettings(HOST, options.kafkaPort(), options.kafkaPort() + 1, kafkaDir());
    }

    public String bootstrapServers() {
        return HOST + ":" + options.kafkaPort();
    }

    /** The services, then the simulated hosts; none with {@code --no-services}. */
    public List<Child> children() {
        if (!options.services()) {
            return List.of();
        }
        List<Child> children = new ArrayList<>();
        SERVICES.forEach(service -> children.add(service(service)));
        for (int n = 1; n <= options.hosts(); n++) {
            children.add(agent(n));
        }
        return List.copyOf(children);
    }

    /** The children whose jar has not been built. */
    public List<Child> missingJars() {
        return children().stream().filter(child -> !Files.isRegularFile(child.jar())).toList();
    }

    /** Every port the run needs, with what it is for, in start order. */
    public List<PortUse> ports() {
        List<PortUse> ports = new ArrayList<>();
        BrokerSettings broker = brokerSettings();
        ports.add(new PortUse(broker.port(), "Kafka broker"));
        ports.add(new PortUse(broker.controllerPort(), "Kafka controller"));
        children().forEach(child -> ports.add(new PortUse(child.port(), child.name())));
        return List.copyOf(ports);
    }

    private Child service(ServiceSpec service) {
        String bootstrap = bootstrapServers();
        Path state = stateDir().resolve(service.name());
        List<String> arguments = List.of(
                "--server.port=" + service.port(),
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.cloud.stream.kafka.binder.brokers=" + bootstrap,
                // Kafka Streams state beside the broker's data, so --fresh clears both together
                "--vgpu.health.streams.state-dir=" + state,
                "--vgpu.inventory.claims.streams.state-dir=" + state,
                // tokens of the sandbox's own key (DevTokens); reads stay open so the README's curls work
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + keysDir().resolve(DevTokens.PUBLIC_KEY),
                "--vgpu.security.issuer=" + DevTokens.ISSUER,
                "--vgpu.security.anonymous-reads=true",
                // the token lifecycle and migration present when they claim capacity from inventory
                "--vgpu.security.client-token-file=" + tokensDir().resolve(DevTokens.SERVICE_TOKEN));
        String base = "http://" + HOST + ":" + service.port();
        return new Child(service.name(), Kind.SERVICE, jar(service.name()), service.port(), SERVICE_JVM_OPTIONS,
                arguments, logFile(service.name()), URI.create(base + "/actuator/health"),
                List.of(URI.create(base + "/api/v1"), URI.create(base + "/actuator/prometheus")));
    }

    private Child agent(int n) {
        String hostId = hostId(n);
        int port = FIRST_AGENT_PORT + n;
        List<String> arguments = List.of(
                "--host-id=" + hostId,
                "--bootstrap-servers=" + bootstrapServers(),
                "--http-port=" + port,
                "--sysfs-root=" + hostsDir().resolve(hostId),
                "--simulate=" + profile(n),
                "--seed=" + n);
        String base = "http://" + HOST + ":" + port;
        String name = "node-agent-" + hostId;
        return new Child(name, Kind.AGENT, jar("node-agent"), port, AGENT_JVM_OPTIONS, arguments, logFile(name),
                URI.create(base + "/healthz"), List.of(URI.create(base + "/metrics")));
    }

    /** {@code sim-01}, {@code sim-02}, ... */
    public static String hostId(int n) {
        return String.format("sim-%02d", n);
    }

    /** The GPU profile of the {@code n}-th simulated host (1-based). */
    public static String profile(int n) {
        return PROFILES.get((n - 1) % PROFILES.size());
    }

    private Path jar(String module) {
        return jarOf(repo, module);
    }

    /** The runnable jar a module of the repository builds ({@code <module>/target/<module>-<version>.jar}). */
    public static Path jarOf(Path repo, String module) {
        return repo.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar");
    }

    /** The sandbox's own runnable jar ({@code sandbox/target/sandbox-<version>-exec.jar}; the plain jar is a library). */
    public static Path sandboxJarOf(Path repo) {
        return repo.resolve("sandbox").resolve("target").resolve("sandbox-" + VERSION + "-exec.jar");
    }

    private Path logFile(String name) {
        return logsDir().resolve(name + ".log");
    }

    /** A service or a simulated host's node agent. */
    public enum Kind {
        SERVICE,
        AGENT
    }

    private record ServiceSpec(String name, int port) {}

    /** A port the run will bind, and for what. */
    public record PortUse(int port, String purpose) {}

    /**
     * One program to run beside the broker.
     *
     * @param healthUrl answers 200 once the program is up
     * @param otherUrls where else to look (REST base, metrics), for the table printed at start
     */
    public record Child(String name, Kind kind, Path jar, int port, List<String> jvmOptions, List<String> arguments,
            Path logFile, URI healthUrl, List<URI> otherUrls) {

        public Child {
            jvmOptions = List.copyOf(jvmOptions);
            arguments = List.copyOf(arguments);
            otherUrls = List.copyOf(otherUrls);
        }

        /** {@code java <jvm options> -jar <jar> <arguments>}, with the given {@code java} binary. */
        public List<String> command(String java) {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(jar.toString());
            command.addAll(arguments);
            return List.copyOf(command);
        }

        /** The Maven module that builds the jar (its directory under the repository root). */
        public String module() {
            return jar.getParent().getParent().getFileName().toString();
        }
    }
}
