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

    /**
     * The largest record a dead-letter topic takes: Kafka's default limit (1 MiB + 12 bytes, which every other topic
     * keeps) plus 64 KiB for the reason and the other headers a dead letter adds. Without the headroom a record
     * just under the limit is refused on its way to the dead-letter topic and is lost (found by FuzzSystemIT).
     * Producers that dead-letter set {@code max.request.size} to this.
     */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 1_048_588 + 65_536;

    /** The topic's configs as Kafka names them. */
    public Map<String, String> configs() {
        Map<String, String> configs = new java.util.LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.config());
        if (retention != null) {
            configs.put("retention.ms", Long.toString(retention.toMillis()));
        }
        if (isDeadLetter()) {
            configs.put("max.message.bytes", Integer.toString(DEAD_LETTER_MAX_MESSAGE_BYTES));
        }
        return Map.copyOf(configs);
    }

    public boolean isDeadLetter() {
        return name.endsWith(".dlq");
    }

    @Override
    public String toString() {
        return name;
    }
}
