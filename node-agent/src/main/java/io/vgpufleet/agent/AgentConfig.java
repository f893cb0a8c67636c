package io.vgpufleet.agent;

import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.contracts.Checks;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The agent's settings, from {@code --name=value} options or {@code VGPU_AGENT_<NAME>} environment
 * variables (an option wins over the variable). The sandbox launcher starts agents with exactly these
 * options, so they are a contract:
 *
 * <pre>
 * java -jar node-agent.jar --host-id=sim-01 --bootstrap-servers=127.0.0.1:9092 --http-port=9101 \
 *     --sysfs-root=/path/to/tree [--simulate=PROFILE] [--seed=N] [--heartbeat=PT10S] [--http-bind=127.0.0.1] \
 *     [--health-poll=PT0.25S] [--proc-root=/proc] \
 *     [--kafka-truststore=ca.p12 --kafka-truststore-password-file=F --kafka-keystore=agent.p12 --kafka-keystore-password-file=F]
 * </pre>
 *
 * @param simulation the simulated host profile; absent on a real host
 * @param healthPoll how often every pGPU's memory-health counters are read (NVML events come at once);
 *     its own cadence, apart from discovery's second, so a fault NVML raises no event for (a pending page
 *     retirement) is signalled within {@link #DEFAULT_HEALTH_POLL} by default
 * @param procRoot where the {@code nvidia-vgpu-mgr} process is looked for ({@code <pid>/comm}) on a real
 *     host; a simulated host answers from its own tree
 * @param kafkaTls mutual TLS to Kafka; absent for a plaintext listener
 * @param provisionTopics whether the agent provisions the topic catalogue at start (false where an admin job
 *     does, as it must under ACLs: docs/security.md)
 */
public record AgentConfig(
        String hostId,
        String bootstrapServers,
        String httpBind,
        int httpPort,
        Path sysfsRoot,
        @Nullable HostProfile simulation,
        long seed,
        Duration heartbeat,
        Duration healthPoll,
        Path procRoot,
        @Nullable KafkaTls kafkaTls,
        boolean provisionTopics) {

    public static final Path REAL_SYSFS = Path.of("/sys");
    public static final Path REAL_PROC = Path.of("/proc");
    /**
     * The health poll's default: a quarter of a second, so the poll path (signal, verdict, cordon) stays
     * within a second. A real host's sample is 8 NVML calls per pGPU at a few microseconds each.
     */
    public static final Duration DEFAULT_HEALTH_POLL = Duration.ofMillis(250);

    /** Option names with their defaults; {@code null} marks a required option. */
    private static final Map<String, @Nullable String> OPTIONS = options();

    public static final String USAGE = """
            usage: java -jar node-agent.jar --host-id=ID --bootstrap-servers=HOST:PORT[,...]
                   [--http-port=9100] [--http-bind=127.0.0.1] [--sysfs-root=/sys]
                   [--simulate=p4|t4|a100|h100|a100x8|mixed] [--seed=N] [--heartbeat=PT10S] [--health-poll=PT0.25S]
                   [--proc-root=/proc]
                   [--kafka-truststore=PATH --kafka-truststore-password-file=PATH
                    --kafka-keystore=PATH --kafka-keystore-password-file=PATH]   (mutual TLS, PKCS#12; all four or none)
                   [--provision-topics=true|false]   (false where an admin job creates the topics)
            each option may also come from the environment as VGPU_AGENT_<NAME>, e.g. VGPU_AGENT_HOST_ID;
            --simulate lays out (or reuses) a simulated host under --sysfs-root, which must then not be /sys""";

    public AgentConfig {
        Checks.validHostId(hostId, "--host-id");
        Checks.nonBlank(bootstrapServers, "--bootstrap-servers");
        Checks.nonBlank(httpBind, "--http-bind");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("--http-port must be 0 to 65535, was " + httpPort);
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("--heartbeat must be positive, was " + heartbeat);
        }
        if (healthPoll.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("--health-poll must be at least PT0.1S, was " + healthPoll);
        }
        if (simulation != null && sysfsRoot.toAbsolutePath().normalize().equals(REAL_SYSFS)) {
            throw new IllegalArgumentException("--simulate needs a --sysfs-root of its own, never /sys");
        }
    }

    /** The settings with the default health poll ({@link #DEFAULT_HEALTH_POLL}) and {@code /proc}. */
    public AgentConfig(String hostId, String bootstrapServers, String httpBind, int httpPort, Path sysfsRoot,
            @Nullable HostProfile simulation, long seed, Duration heartbeat) {
        this(hostId, bootstrapServers, httpBind, httpPort, sysfsRoot, simulation, seed, heartbeat, DEFAULT_HEALTH_POLL);
    }

    /** The settings on a plaintext Kafka listener. */
    public AgentConfig(String hostId, String bootstrapServers, String httpBind, int httpPort, Path sysfsRoot,
            @Nullable HostProfile simulation, long seed, Duration heartbeat, Duration healthPoll, Path procRoot) {
        this(hostId, bootstrapServers, httpBind, httpPort, sysfsRoot, simulation, seed, heartbeat, healthPoll, procRoot,
                null, true);
    }

    /** The settings with {@code /proc} as the proc root. */
    public AgentConfig(String hostId, String bootstrapServers, String httpBind, int httpPort, Path sysfsRoot,
            @Nullable HostProfile simulation, long seed, Duration heartbeat, Duration healthPoll) {
        this(hostId, bootstrapServers, httpBind, httpPort, sysfsRoot, simulation, seed, heartbeat, healthPoll, REAL_PROC);
    }

    public boolean simulated() {
        return simulation != null;
    }

    /** The security settings every Kafka client of the agent adds (reads the password files); none for plaintext. */
    public Map<String, Object> kafkaSecurity() {
        return kafkaTls == null ? Map.of() : kafkaTls.clientSettings();
    }

    /** The CloudEvents source of everything this agent publishes. */
    public String eventSource() {
        return "urn:vgpu:agent:" + hostId;
    }

    /**
     * Reads the settings.
     *
     * @throws UsageException for an unknown, repeated, missing or malformed option, with a message
     *     naming it
     */
    public static AgentConfig parse(List<String> args, Map<String, String> environment) throws UsageException {
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : OPTIONS.keySet()) {
            String value = environment.get(environmentName(name));
            if (value != null) {
                given.put(name, value);
            }
        }
        Map<String, String> fromArgs = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + Checks.printable(arg) + "': options look like --name=value");
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
            if (!OPTIONS.containsKey(name)) {
                throw new UsageException("unknown option --" + Checks.printable(name));
            }
            if (equals < 0) {
                throw new UsageException("option --" + name + " needs a value: --" + name + "=...");
            }
            if (fromArgs.put(name, arg.substring(equals + 1)) != null) {
                throw new UsageException("option --" + name + " is given twice");
            }
        }
        given.putAll(fromArgs);
        OPTIONS.forEach((name, fallback) -> {
            if (fallback != null) {
                given.putIfAbsent(name, fallback);
            }
        });
        try {
            return new AgentConfig(
                    required(given, "host-id"),
                    required(given, "bootstrap-servers"),
                    given.get("http-bind"),
                    parseInt(given.get("http-port"), "http-port"),
                    parsePath(given.get("sysfs-root"), "sysfs-root"),
                    parseProfile(given.get("simulate")),
                    parseLong(given.get("seed"), "seed"),
                    parseDuration(given.get("heartbeat"), "heartbeat"),
                    parseDuration(given.get("health-poll"), "health-poll"),
                    parsePath(given.get("proc-root"), "proc-root"),
                    KafkaTls.of(given.get("kafka-truststore"), given.get("kafka-truststore-password-file"),
                            given.get("kafka-keystore"), given.get("kafka-keystore-password-file")),
                    parseBoolean(given.get("provision-topics"), "provision-topics"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    public static String environmentName(String option) {
        return "VGPU_AGENT_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Map<String, @Nullable String> options() {
        Map<String, @Nullable String> options = new LinkedHashMap<>();
        options.put("host-id", null);
        options.put("bootstrap-servers", null);
        options.put("http-port", "9100");
        options.put("http-bind", "127.0.0.1");
        options.put("sysfs-root", REAL_SYSFS.toString());
        options.put("simulate", "");
        options.put("seed", "1");
        options.put("heartbeat", "PT10S");
        options.put("health-poll", DEFAULT_HEALTH_POLL.toString());
        options.put("proc-root", REAL_PROC.toString());
        options.put("kafka-truststore", "");
        options.put("kafka-truststore-password-file", "");
        options.put("kafka-keystore", "");
        options.put("kafka-keystore-password-file", "");
        options.put("provision-topics", "true");
        return options;
    }

    private static String required(Map<String, String> given, String name) throws UsageException {
        String value = given.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("option --" + name + " is required (or " + environmentName(name) + ")");
        }
        return value;
    }

    private static int parseInt(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was '" + Checks.printable(value) + "'");
        }
    }

    private static boolean parseBoolean(String value, String name) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false, was '"
                    + Checks.printable(value) + "'");
        };
    }

    private static long parseLong(String value, String name) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was '" + Checks.printable(value) + "'");
        }
    }

    private static Path parsePath(String value, String name) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("--" + name + " is not a path: " + e.getMessage());
        }
    }

    private static @Nullable HostProfile parseProfile(String value) {
        if (value.isEmpty()) {
            return null;
        }
        Optional<HostProfile> profile = HostProfile.named(value);
        return profile.orElseThrow(() -> new IllegalArgumentException("--simulate must be one of "
                + HostProfile.names() + ", was '" + Checks.printable(value) + "'"));
    }

    private static Duration parseDuration(String value, String name) {
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--" + name + " must be an ISO-8601 duration such as PT10S, was '" + Checks.printable(value) + "'");
        }
    }

    /** A command line the agent cannot run with; {@link NodeAgent#main} prints it and exits with status 2. */
    public static final class UsageException extends Exception {

        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
