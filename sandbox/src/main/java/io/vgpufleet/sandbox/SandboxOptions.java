package io.vgpufleet.sandbox;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The sandbox's command line, parsed and checked. Every option has the form {@code --name=value} or
 * is a flag; see {@link #USAGE}.
 *
 * @param hosts how many simulated hosts (node agents) to run, 0..{@value #MAX_HOSTS}
 * @param dataDir where the broker's data, the logs and the simulated hosts' sysfs trees go
 * @param kafkaPort the broker's plain listener; its KRaft controller listens on the next port
 * @param repo the repository root, where the services' and agent's jars are built
 * @param services false for the broker alone (no services, no agents)
 * @param fresh delete the data directory first (a new cluster, no old records)
 * @param help print the usage and exit
 */
public record SandboxOptions(
        int hosts, Path dataDir, int kafkaPort, Path repo, boolean services, boolean fresh, boolean help) {

    public static final int DEFAULT_HOSTS = 4;
    public static final int MAX_HOSTS = 99;
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final Path DEFAULT_DATA_DIR = Path.of(".sandbox");

    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: ./sandbox.sh [--skip-build] [options]      (or: java -jar sandbox/target/sandbox-0.1.0-SNAPSHOT-exec.jar [options])",
            "",
            "Runs a local Kafka broker (KRaft, in this process), the four services and simulated hosts until Ctrl-C.",
            "",
            "  --hosts=N          simulated hosts sim-01..sim-N (default " + DEFAULT_HOSTS
                    + ", at most " + MAX_HOSTS + "); GPU profiles p4, t4, a100, h100, repeating",
            "  --data-dir=DIR     broker data, logs and simulated sysfs trees (default " + DEFAULT_DATA_DIR + ")",
            "  --kafka-port=PORT  the broker's client port on 127.0.0.1 (default " + DEFAULT_KAFKA_PORT
                    + "); its controller uses PORT+1",
            "  --repo=DIR         repository root holding the built jars (default: the current directory)",
            "  --no-services      the broker alone: no services, no simulated hosts",
            "  --fresh            delete the data directory first: a new cluster with no records",
            "  --help             this text");

    public SandboxOptions {
        if (hosts < 0 || hosts > MAX_HOSTS) {
            throw new UsageException("--hosts must be 0.." + MAX_HOSTS + ", not " + hosts);
        }
        if (kafkaPort < 1 || kafkaPort > 65534) {
            throw new UsageException("--kafka-port must be 1..65534 (the controller takes the next port), not " + kafkaPort);
        }
    }

    public static SandboxOptions defaults() {
        return new SandboxOptions(DEFAULT_HOSTS, DEFAULT_DATA_DIR, DEFAULT_KAFKA_PORT, Path.of(""), true, false, false);
    }

    /** @throws UsageException naming the offending argument */
    public static SandboxOptions parse(List<String> args) {
        int hosts = DEFAULT_HOSTS;
        Path dataDir = DEFAULT_DATA_DIR;
        int kafkaPort = DEFAULT_KAFKA_PORT;
        Path repo = Path.of("");
        boolean services = true;
        boolean fresh = false;
        boolean help = false;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            @Nullable String value = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "--hosts" -> hosts = integer(name, value);
                case "--data-dir" -> dataDir = Path.of(required(name, value));
                case "--kafka-port" -> kafkaPort = integer(name, value);
                case "--repo" -> repo = Path.of(required(name, value));
                case "--no-services" -> services = !flag(name, value);
                case "--fresh" -> fresh = flag(name, value);
                case "--help", "-h" -> help = flag(name, value);
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        return new SandboxOptions(hosts, dataDir, kafkaPort, repo, services, fresh, help);
    }

    private static String required(String name, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new UsageException(name + " needs a value: " + name + "=...");
        }
        return value;
    }

    private static int integer(String name, @Nullable String value) {
        String text = required(name, value);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, not " + text);
        }
    }

    private static boolean flag(String name, @Nullable String value) {
        if (value != null) {
            throw new UsageException(name + " takes no value");
        }
        return true;
    }

    /** A command line that cannot be run; the message says what is wrong with it. */
    public static final class UsageException extends IllegalArgumentException {

        public UsageException(String message) {
            super(message);
        }
    }
}
