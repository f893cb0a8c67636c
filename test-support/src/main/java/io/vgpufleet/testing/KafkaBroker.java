package io.vgpufleet.testing;

/** A running Kafka broker that tests talk to. */
public interface KafkaBroker {

    /** {@code host:port} of the plain listener. */
    String bootstrapServers();

    /** How the broker runs: {@code embedded} or {@code testcontainers}. */
    String kind();
}
