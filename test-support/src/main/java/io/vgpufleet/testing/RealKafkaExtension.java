package io.vgpufleet.testing;

import java.util.Locale;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Starts the broker of {@link RealKafka} once per JVM and stops it when the JVM's tests end. */
public final class RealKafkaExtension implements BeforeAllCallback, ParameterResolver {

    public static final String BROKER_PROPERTY = "kafka.test.broker";
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealKafkaExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        KafkaBroker broker = broker(context);
        System.setProperty("kafka.bootstrap.servers", broker.bootstrapServers());
        System.setProperty("spring.kafka.bootstrap-servers", broker.bootstrapServers());
        System.setProperty("spring.cloud.stream.kafka.binder.brokers", broker.bootstrapServers());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    private static KafkaBroker broker(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent("broker", key -> start(), RunningBroker.class);
    }

    private static RunningBroker start() {
        String choice = System.getProperty(BROKER_PROPERTY, "auto").toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "embedded" -> embedded();
            case "testcontainers" -> testcontainers();
            case "auto" -> dockerAvailable() ? testcontainers() : embedded();
            default -> throw new IllegalArgumentException(
                    BROKER_PROPERTY + " must be auto, embedded or testcontainers, was " + choice);
        };
    }

    /**
     * Asks Testcontainers only where a Docker engine could be: a {@code DOCKER_HOST} or the default
     * socket. Elsewhere the answer is known, and asking would only log Testcontainers' failed probes.
     */
    private static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static RunningBroker embedded() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        // one node: transactions (exactly_once_v2) need their log replicated only once
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.afterPropertiesSet();
        return new RunningBroker(broker.getBrokersAsString(), "embedded", broker::destroy);
    }

    @SuppressWarnings("resource") // closed through the JUnit store when the JVM's tests end
    private static RunningBroker testcontainers() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new RunningBroker(container.getBootstrapServers(), "testcontainers", container::stop);
    }

    /** A started broker; the JUnit root store closes it after the last test of the JVM. */
    record RunningBroker(String bootstrapServers, String kind, Runnable stop) implements KafkaBroker, AutoCloseable {

        @Override
        public void close() {
            stop.run();
        }
    }
}
