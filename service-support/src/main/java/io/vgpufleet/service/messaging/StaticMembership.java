package io.vgpufleet.service.messaging;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Static group membership (KIP-345) for a Kafka Streams application of a service: its main consumers join
 * with a {@code group.instance.id} (Kafka Streams appends each thread's index), so an instance restarted
 * after a crash takes its place in the group at once instead of waiting for the dead member's session
 * timeout (45 s by default) with its tasks, here the claim ledgers or the health verdicts, unassigned. The
 * id must be the same across restarts of one instance and differ between instances: the configured one, or
 * else {@code <host name>-<server port>} where the port is fixed (two instances on one machine listen on two
 * ports); with a random port (0) there is no stable id and membership stays dynamic. A static member does not
 * leave the group on its own when it stops, so the services close their streams with {@code leaveGroup}.
 */
public final class StaticMembership {

    /** Kafka Streams' prefix for its main consumers' settings ({@code StreamsConfig.MAIN_CONSUMER_PREFIX}). */
    static final String MAIN_CONSUMER_PREFIX = "main.consumer.";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private StaticMembership() {}

    /** The instance id to use: {@code configured} where given, else host name and port, none with a random port. */
    public static Optional<String> instanceId(String configured, int serverPort) {
        if (!configured.isBlank()) {
            if (!ID.matcher(configured).matches()) {
                throw new IllegalArgumentException("a group instance id must be 1 to 201 of [A-Za-z0-9._-], was '"
                        + configured + "'");
            }
            return Optional.of(configured);
        }
        if (serverPort <= 0) {
            return Optional.empty();
        }
        String host = hostName().replaceAll("[^A-Za-z0-9._-]", "-");
        return Optional.of((host.isEmpty() ? "localhost" : host) + "-" + serverPort);
    }

    /** Sets the main consumers' {@code group.instance.id} where there is an id. */
    public static void apply(Properties streamsConfig, Optional<String> instanceId) {
        instanceId.ifPresent(id -> streamsConfig.put(MAIN_CONSUMER_PREFIX + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
