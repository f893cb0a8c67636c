package io.vgpufleet.migration.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.migration.claims.InventoryClaims;
import io.vgpufleet.migration.claims.LocalClaims;
import io.vgpufleet.migration.claims.TargetClaims;
import io.vgpufleet.migration.compatibility.CandidateFilter;
import io.vgpufleet.migration.compatibility.MigrationPolicy;
import io.vgpufleet.migration.downtime.DowntimeEstimate;
import io.vgpufleet.migration.drains.DrainPlanner;
import io.vgpufleet.migration.fleet.FleetState;
import io.vgpufleet.migration.sagas.SagaSettings;
import io.vgpufleet.migration.sagas.SagaSteps;
import io.vgpufleet.service.claims.ClaimsClient;
import io.vgpufleet.service.messaging.InboundRecords;
import io.vgpufleet.service.messaging.KafkaClientSecurity;
import io.vgpufleet.service.messaging.ServiceMetrics;
import io.vgpufleet.service.messaging.TopicCatalogueProvisioning;
import io.vgpufleet.service.security.ServiceToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Wires the migration-service. Settings (all optional):
 *
 * <pre>
 * vgpu.migration.claims=inventory|local          where target claims are kept (default inventory)
 * vgpu.migration.inventory-url=http://127.0.0.1:8081
 * vgpu.migration.concurrency.per-source-host=2, .per-target-host=2, .fleet-wide=8
 * vgpu.migration.saga.step-timeout=10s, .verify-timeout=30s, .attempts=3, .tick=200ms
 * vgpu.migration.policy.min-driver-version, .max-driver-version, .allow-mixed-host-kinds=false,
 *   .allow-other-boards=false, .max-candidates-checked=3, .host-stale-after=30s
 * vgpu.migration.downtime.link-gbps=10, .stun-per-gib-at-10gbe=7.5s, .fixed-stun=500ms
 * </pre>
 *
 * Inputs: bindings {@code hostSnapshots-in-0}, {@code gpuHealth-in-0} (both compacted, read whole at every
 * start), {@code drainRequests-in-0} and {@code commandReplies-in-0}. At start, before any binding runs, the
 * sagas, drains, host snapshots and health verdicts are read back from their compacted topics (ADR 0005).
 */
@Configuration(proxyBeanMethods = false)
class MigrationConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MigrationConfiguration.class);

    /**
     * The publisher of every record this service writes, with the components' producer settings but no
     * linger: the saga engine waits for the broker's acknowledgement of each durable saga state before it
     * sends the step's commands (ADR 0005), one state at a time, so the 5 ms every other component lingers to
     * batch would be added to every step of every migration. (Replaces service-support's publisher.)
     */
    @Bean(destroyMethod = "close")
    EventPublisher eventPublisher(EventCodec codec, @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
            @Value("${spring.application.name}") String service, MeterRegistry meters, KafkaClientSecurity security,
            TopicCatalogueProvisioning provisioned) {
        Map<String, Object> settings = new HashMap<>(security.settings());
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new EventPublisher(EventPublisher.producer(bootstrapServers, service, settings), codec,
                (topic, ceType) -> meters.counter(ServiceMetrics.RECORDS_PRODUCED, "topic", topic, "type", ceType)
                        .increment());
    }

    @Bean
    FleetState fleetState() {
        return new FleetState();
    }

    @Bean
    DowntimeEstimate downtimeEstimate(@Value("${vgpu.migration.downtime.link-gbps:10}") double linkGbps,
            @Value("${vgpu.migration.downtime.stun-per-gib-at-10gbe:7500ms}") Duration perGib,
            @Value("${vgpu.migration.downtime.fixed-stun:500ms}") Duration fixed) {
        return new DowntimeEstimate(linkGbps, perGib, fixed);
    }

    @Bean
    Limits limits(@Value("${vgpu.migration.concurrency.per-source-host:2}") int perSource,
            @Value("${vgpu.migration.concurrency.per-target-host:2}") int perTarget,
            @Value("${vgpu.migration.concurrency.fleet-wide:8}") int fleetWide) {
        return new Limits(perSource, perTarget, fleetWide);
    }

    @Bean
    TargetClaims targetClaims(@Value("${vgpu.migration.claims:inventory}") String kind,
            @Value("${vgpu.migration.inventory-url:http://127.0.0.1:8081}") URI inventory, FleetState fleet,
            ServiceToken serviceToken) {
        return switch (kind) {
            case "inventory" -> new InventoryClaims(new ClaimsClient(
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), inventory, Duration.ofSeconds(5),
                    serviceToken));
            case "local" -> new LocalClaims(fleet::host);
            default -> throw new IllegalArgumentException("vgpu.migration.claims must be inventory or local, was " + kind);
        };
    }

    @Bean(destroyMethod = "close")
    SagaEngine sagaEngine(FleetState fleet, Limits limits, DowntimeEstimate estimate, TargetClaims claims,
            EventPublisher publisher, EventCodec codec, Clock clock, MeterRegistry meters,
            TopicCatalogueProvisioning provisioned,
            @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
            @Value("${vgpu.migration.saga.step-timeout:10s}") Duration stepTimeout,
            @Value("${vgpu.migration.saga.verify-timeout:30s}") Duration verifyTimeout,
            @Value("${vgpu.migration.saga.attempts:3}") int attempts,
            @Value("${vgpu.migration.saga.tick:200ms}") Duration tick,
            @Value("${vgpu.migration.policy.min-driver-version:#{null}}") @Nullable String minDriver,
            @Value("${vgpu.migration.policy.max-driver-version:#{null}}") @Nullable String maxDriver,
            @Value("${vgpu.migration.policy.allow-mixed-host-kinds:false}") boolean mixedKinds,
            @Value("${vgpu.migration.policy.allow-other-boards:false}") boolean otherBoards,
            @Value("${vgpu.migration.policy.max-candidates-checked:3}") int maxChecked,
            @Value("${vgpu.migration.policy.host-stale-after:30s}") Duration hostStaleAfter) {
        MigrationPolicy policy = new MigrationPolicy(minDriver, maxDriver, mixedKinds, otherBoards, maxChecked,
                hostStaleAfter);
        SagaSteps steps = new SagaSteps(SagaSettings.uniform(stepTimeout, verifyTimeout, attempts),
                new CandidateFilter(policy), limits.perTargetHost());
        SagaEngine engine = new SagaEngine(steps, limits, new DrainPlanner(estimate), fleet, claims, publisher, clock,
                meters, tick);
        long started = System.nanoTime();
        int snapshots = StoreReplay.replay(bootstrapServers, TopicCatalogue.HOST_SNAPSHOTS, codec, record -> {
            if (record instanceof HostSnapshot snapshot) {
                fleet.apply(snapshot);
            }
        });
        int verdicts = StoreReplay.replay(bootstrapServers, TopicCatalogue.GPU_HEALTH, codec, record -> {
            if (record instanceof GpuHealthChanged change) {
                fleet.apply(change);
            }
        });
        int sagas = StoreReplay.replay(bootstrapServers, TopicCatalogue.MIGRATION_SAGAS, codec, engine::load);
        int drains = StoreReplay.replay(bootstrapServers, TopicCatalogue.MIGRATION_DRAINS, codec, engine::load);
        log.info("read back {} host snapshots, {} health verdicts, {} saga records and {} drain records in {} ms",
                snapshots, verdicts, sagas, drains, (System.nanoTime() - started) / 1_000_000);
        engine.start();
        return engine;
    }

    @Bean
    Consumer<Message<byte[]>> hostSnapshots(InboundRecords inbound, SagaEngine engine) {
        return message -> engine.onSnapshot(inbound.read(message, HostSnapshot.class));
    }

    @Bean
    Consumer<Message<byte[]>> gpuHealth(InboundRecords inbound, FleetState fleet) {
        return message -> fleet.apply(inbound.read(message, GpuHealthChanged.class));
    }

    @Bean
    Consumer<Message<byte[]>> drainRequests(InboundRecords inbound, SagaEngine engine) {
        return message -> engine.onDrainRequested(inbound.read(message, DrainRequested.class));
    }

    @Bean
    Consumer<Message<byte[]>> commandReplies(InboundRecords inbound, SagaEngine engine) {
        return message -> engine.onReply(inbound.read(message, CommandReply.class));
    }
}
