package io.vgpufleet.health.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.health.hosts.GpuFacts;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.service.messaging.KafkaClientSecurity;
import io.vgpufleet.service.messaging.StaticMembership;
import io.vgpufleet.service.messaging.TopicCatalogueProvisioning;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the policy to Kafka: the engine from {@code vgpu.health.policy.*}, the topology, and the
 * {@link HealthStreams} that runs it once the topic catalogue is provisioned. Every
 * {@link HealthTopology.Listener} bean hears what the topology does.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HealthProperties.class)
public class HealthStreamsConfiguration {

    @Bean
    HealthPolicyEngine healthPolicyEngine(HealthProperties properties) {
        return new HealthPolicyEngine(properties.getPolicy().toPolicy());
    }

    @Bean
    HealthStreams healthStreams(
            HealthPolicyEngine engine,
            EventCodec codec,
            HealthProperties properties,
            List<HealthTopology.Listener> listeners,
            MeterRegistry meters,
            @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
            @Value("${vgpu.health.instance-id:}") String instanceId,
            @Value("${server.port:8080}") int serverPort,
            KafkaClientSecurity security,
            TopicCatalogueProvisioning provisioned) {
        HealthProperties.Streams streams = properties.getStreams();
        Properties config = streamsConfig(streams, bootstrapServers, security);
        StaticMembership.apply(config, StaticMembership.instanceId(instanceId, serverPort));
        return new HealthStreams(
                HealthTopology.build(engine, codec, streams.getTickInterval(), new AllListeners(listeners)), config,
                meters);
    }

    /** The policy stream's Kafka Streams configuration (the benchmark runs the topology with it too). */
    public static Properties streamsConfig(HealthProperties.Streams streams, String bootstrapServers,
            KafkaClientSecurity security) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, streams.getApplicationId());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, streams.getProcessingGuarantee());
        config.put(StreamsConfig.STATE_DIR_CONFIG, streams.getStateDir());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, streams.getCommitInterval().toMillis());
        config.put(StreamsConfig.POLL_MS_CONFIG, streams.getPollInterval().toMillis());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // a dead letter (a record near the 1 MiB limit plus its reason) must still go out, or the stream thread dies
        config.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                io.vgpufleet.contracts.messaging.Topic.DEAD_LETTER_MAX_MESSAGE_BYTES);
        if (!streams.getApplicationServer().isBlank()) {
            config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, streams.getApplicationServer());
        }
        // TLS or SASL of the kafka-tls profile, as every other client of the service (docs/security.md)
        config.putAll(security.settings());
        return config;
    }

    /** {@code /actuator/health} component {@code policyStream}: DOWN once the stream has failed or stopped. */
    @Bean
    HealthIndicator policyStream(HealthStreams streams) {
        return () -> {
            KafkaStreams.State state = streams.streamsState();
            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                    || state == KafkaStreams.State.CREATED;
            return (up ? Health.up() : Health.down()).withDetail("state", state.name()).build();
        };
    }

    private record AllListeners(List<HealthTopology.Listener> listeners) implements HealthTopology.Listener {

        @Override
        public void consumed(String topic, String ceType, Object payload) {
            listeners.forEach(listener -> listener.consumed(topic, ceType, payload));
        }

        @Override
        public void deadLettered(String topic, String reason) {
            listeners.forEach(listener -> listener.deadLettered(topic, reason));
        }

        @Override
        public void stateChanged(GpuHealthState state) {
            listeners.forEach(listener -> listener.stateChanged(state));
        }

        @Override
        public void described(GpuFacts facts) {
            listeners.forEach(listener -> listener.described(facts));
        }

        @Override
        public void produced(String topic, String ceType) {
            listeners.forEach(listener -> listener.produced(topic, ceType));
        }
    }
}
