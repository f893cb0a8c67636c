package io.vgpufleet.contracts.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka topic of the catalogue.
 *
 * @param key what the record key is, in words (e.g. {@code host id}): it decides ordering and ownership
 * @param retention how long records are kept; absent for compacted topics, which keep the latest per key
 */
public record Topic(String name, String key, int partitions, CleanupPolicy cleanupPolicy, @Nullable Duration retention) {

    private static final Pattern NAME = Pattern.compile("vgpu\\.[a-z]+\\.[a-z-]+\\.v[0-9]+(\\.dlq)?");

    public enum CleanupPolicy {
        DELETE("delete"),
        COMPACT("compact");

        private final String config;

        CleanupPolicy(String config) {
            this.config = config;
        }

        /** The value of Kafka's {@code cleanup.policy}. */
        public String config() {
            return config;
        }
    }

    public Topic {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("topic " + name + " is not named vgpu.<context>.<stream>.v<N>");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition");
        }
        if ((cleanupPolicy == CleanupPolicy.DELETE) != (retention != null)) {
            throw new IllegalArgumentException("topic " + name + ": a delete topic has a retention, a compacted one none");
        }
    }

    /** The topic's configs as Kafka names them. */
    public Map<String, String> configs() {
        return retention == null
                ? Map.of("cleanup.policy", cleanupPolicy.config())
                : Map.of("cleanup.policy", cleanupPolicy.config(), "retention.ms", Long.toString(retention.toMillis()));
    }

    public boolean isDeadLetter() {
        return name.endsWith(".dlq");
    }

    @Override
    public String toString() {
        return name;
    }
}
