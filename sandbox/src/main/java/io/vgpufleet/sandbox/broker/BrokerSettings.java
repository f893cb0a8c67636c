package io.vgpufleet.sandbox.broker;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the local broker listens and keeps its data.
 *
 * @param host the address both listeners bind to and the broker advertises
 * @param port the plain listener that clients bootstrap from
 * @param controllerPort the KRaft controller listener (only the broker itself talks to it)
 * @param dataDir the log directory, also the metadata log directory; formatted on first use
 */
public record BrokerSettings(String host, int port, int controllerPort, Path dataDir) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;

    public BrokerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        requirePort(port, "port");
        requirePort(controllerPort, "controllerPort");
        if (port == controllerPort) {
            throw new IllegalArgumentException("the broker and controller ports must differ, both are " + port);
        }
    }

    /** 127.0.0.1:9092, controller on 9093, data in {@code ./.sandbox/kafka}. */
    public static BrokerSettings defaults() {
        return new BrokerSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_CONTROLLER_PORT, Path.of(".sandbox", "kafka"));
    }

    private static void requirePort(int port, String name) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 1..65535, not " + port);
        }
    }
}
