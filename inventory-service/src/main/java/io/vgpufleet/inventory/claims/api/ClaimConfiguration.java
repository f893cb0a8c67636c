package io.vgpufleet.inventory.claims.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.inventory.claims.streams.ClaimStreams;
import io.vgpufleet.inventory.claims.streams.ClaimTopology;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.inventory.placement.HeldCapacity;
import io.vgpufleet.inventory.placement.api.PlacementInputSource;
import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.service.messaging.InboundRecords;
import io.vgpufleet.service.messaging.KafkaClientSecurity;
import io.vgpufleet.service.messaging.StaticMembership;
import io.vgpufleet.service.messaging.TopicCatalogueProvisioning;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.messaging.Message;

/**
 * Wires claims: the ledger topology ({@code vgpu.inventory.claims.streams.*}: application id, state dir,
 * commit interval, expiry interval), the directory fed by bindings {@code claimChanges-in-0} (the compacted
 * claim topic from its beginning) and {@code claimRefusals-in-0}, and the service
 * ({@code vgpu.inventory.claims.max-attempts}, default 8; {@code outcome-timeout}, default 5 s;
 * {@code max-concurrent}, default 64 requests in the candidate loop at once per instance).
 */
@Configuration(proxyBeanMethods = false)
class ClaimConfiguration {

    @Bean
    ClaimDirectory claimDirectory() {
        return new ClaimDirectory();
    }

    /** The capacity active claims hold, for the placement input (placement does not propose it again). */
    @Bean
    HeldCapacity heldCapacity(ClaimDirectory directory) {
        return directory.heldCapacity();
    }

    @Bean
    ClaimMeters claimMeters(MeterRegistry meters) {
        return new ClaimMeters(meters);
    }

    @Bean
    ClaimService claimService(FleetView fleet, PlacementInputSource inputs, ClaimDirectory directory,
            EventPublisher publisher, Clock clock, ClaimMeters meters,
            @Value("${vgpu.inventory.claims.max-attempts:8}") int maxAttempts,
            @Value("${vgpu.inventory.claims.outcome-timeout:5s}") Duration outcomeTimeout,
            @Value("${vgpu.inventory.claims.max-concurrent:64}") int maxConcurrent) {
        return new ClaimService(fleet, inputs, directory, publisher, clock, maxAttempts, outcomeTimeout, maxConcurrent,
                meters);
    }

    @Bean
    Consumer<Message<byte[]>> claimChanges(InboundRecords inbound, ClaimDirectory directory, ClaimMeters meters) {
        return message -> {
            // the binder hands a tombstone over as a KafkaNull payload, whatever the declared type
            Object payload = message.getPayload();
            if (payload instanceof KafkaNull) {
                // a tombstone: the ledger dropped a final claim after its retention
                Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
                if (key instanceof byte[] bytes) {
                    directory.forget(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                } else if (key instanceof String claimId) {
                    directory.forget(claimId);
                }
                return;
            }
            directory.apply(inbound.read(message, ClaimChanged.class));
            if (message.getHeaders().get(KafkaHeaders.RECEIVED_TIMESTAMP) instanceof Long producedAt) {
                meters.reachedDirectory(producedAt, System.currentTimeMillis());
            }
        };
    }

    @Bean
    Consumer<Message<byte[]>> claimRefusals(InboundRecords inbound, ClaimDirectory directory) {
        return message -> directory.refused(inbound.read(message, ClaimCommandRefused.class));
    }

    @Bean
    ClaimStreams claimStreams(EventCodec codec, ClaimMeters meters,
            @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
            @Value("${vgpu.inventory.claims.streams.application-id:inventory-service-claims}") String applicationId,
            @Value("${vgpu.inventory.claims.streams.processing-guarantee:exactly_once_v2}") String guarantee,
            @Value("${vgpu.inventory.claims.streams.state-dir:${java.io.tmpdir}/vgpu-inventory-claims}") String stateDir,
            @Value("${vgpu.inventory.claims.streams.commit-interval:20ms}") Duration commitInterval,
            @Value("${vgpu.inventory.claims.streams.poll-interval:10ms}") Duration pollInterval,
            @Value("${vgpu.inventory.claims.streams.expiry-interval:1s}") Duration expiryInterval,
            @Value("${vgpu.inventory.claims.streams.threads:1}") int threads,
            @Value("${vgpu.inventory.claims.final-retention:24h}") Duration finalRetention,
            @Value("${vgpu.inventory.instance-id:}") String instanceId,
            @Value("${server.port:8080}") int serverPort,
            KafkaClientSecurity security,
            TopicCatalogueProvisioning provisioned) {
        Properties config = streamsConfig(bootstrapServers, applicationId, guarantee, stateDir, commitInterval,
                pollInterval, threads, security);
        StaticMembership.apply(config, StaticMembership.instanceId(instanceId, serverPort));
        return new ClaimStreams(ClaimTopology.build(codec, expiryInterval, finalRetention, meters), config);
    }

    /** The ledger stream's Kafka Streams configuration. */
    static Properties streamsConfig(String bootstrapServers, String applicationId, String guarantee, String stateDir,
            Duration commitInterval, Duration pollInterval, int threads, KafkaClientSecurity security) {
        if (threads < 1) {
            throw new IllegalArgumentException("vgpu.inventory.claims.streams.threads must be 1 or more, was " + threads);
        }
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        config.put(StreamsConfig.POLL_MS_CONFIG, pollInterval.toMillis());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        config.put(StreamsConfig.producerPrefix("linger.ms"), 0);
        // one broker connection carries every partition's batch in one request anyway; with more in flight, a
        // retried first batch of a transaction (CONCURRENT_TRANSACTIONS) let the next one arrive out of sequence
        config.put(StreamsConfig.producerPrefix("max.in.flight.requests.per.connection"), 1);
        // with transactions v2 the first write of a transaction is answered CONCURRENT_TRANSACTIONS until the
        // previous one's markers are written (milliseconds); the default backoff (100 ms, doubling to 1 s) made
        // every commit cycle take seconds, and every claim wait for it
        config.put(StreamsConfig.producerPrefix("retry.backoff.ms"), 5);
        config.put(StreamsConfig.producerPrefix("retry.backoff.max.ms"), 50);
        // a dead letter (a command near the 1 MiB limit plus its reason headers) must still go out: the .dlq
        // topics take Topic.DEAD_LETTER_MAX_MESSAGE_BYTES; at the producer's default 1 MiB such a dead letter is
        // refused by the producer itself (RecordTooLargeException), as it was for the other services' streams
        config.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Topic.DEAD_LETTER_MAX_MESSAGE_BYTES);
        // TLS or SASL of the kafka-tls profile, as every other Kafka client of the service (docs/security.md)
        config.putAll(security.settings());
        return config;
    }

    /** {@code /actuator/health} component {@code claimStream}: DOWN once the ledger stream has failed or stopped. */
    @Bean
    HealthIndicator claimStream(ClaimStreams streams) {
        return () -> {
            KafkaStreams.State state = streams.streamsState();
            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                    || state == KafkaStreams.State.CREATED;
            return (up ? Health.up() : Health.down()).withDetail("state", state.name()).build();
        };
    }
}
