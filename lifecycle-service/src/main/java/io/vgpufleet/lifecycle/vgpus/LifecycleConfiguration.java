package io.vgpufleet.lifecycle.vgpus;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.lifecycle.vgpus.claims.InventoryClaims;
import io.vgpufleet.lifecycle.vgpus.machine.LifecycleMachine;
import io.vgpufleet.lifecycle.vgpus.machine.LifecyclePolicy;
import io.vgpufleet.lifecycle.vgpus.store.KafkaRequestStore;
import io.vgpufleet.service.claims.ClaimsClient;
import io.vgpufleet.service.messaging.TopicCatalogueProvisioning;
import io.vgpufleet.service.security.ServiceToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the engine. Properties ({@code vgpu.lifecycle.*}): {@code inventory-url} (default
 * {@code http://127.0.0.1:8081}), {@code claim-ttl} (300 s), {@code claim-timeout} (30 s),
 * {@code claim-retry-delay} (2 s), {@code claim-attempts} (5), {@code command-timeout} (20 s),
 * {@code command-attempts} (3), {@code attach-timeout} (30 min), {@code tick} (1 s).
 *
 * <p>The engine loads the requests and resends what was in flight while the context is built, before any
 * binding starts delivering replies and snapshots.
 */
@Configuration(proxyBeanMethods = false)
class LifecycleConfiguration {

    @Bean
    LifecyclePolicy lifecyclePolicy(
            @Value("${vgpu.lifecycle.claim-timeout:30s}") Duration claimTimeout,
            @Value("${vgpu.lifecycle.claim-retry-delay:2s}") Duration claimRetryDelay,
            @Value("${vgpu.lifecycle.claim-attempts:5}") int claimAttempts,
            @Value("${vgpu.lifecycle.command-timeout:20s}") Duration commandTimeout,
            @Value("${vgpu.lifecycle.command-attempts:3}") int commandAttempts,
            @Value("${vgpu.lifecycle.attach-timeout:30m}") Duration attachTimeout) {
        return new LifecyclePolicy(claimTimeout, claimRetryDelay, claimAttempts, commandTimeout, commandAttempts,
                attachTimeout);
    }

    @Bean
    ClaimsPort claimsPort(@Value("${vgpu.lifecycle.inventory-url:http://127.0.0.1:8081}") URI inventory,
            @Value("${vgpu.lifecycle.claim-ttl:300s}") Duration ttl, ServiceToken serviceToken) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return new InventoryClaims(new ClaimsClient(http, inventory, Duration.ofSeconds(10), serviceToken),
                (int) Math.min(3600, Math.max(1, ttl.toSeconds())));
    }

    @Bean
    RequestStore requestStore(EventPublisher publisher, EventCodec codec,
            @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers, TopicCatalogueProvisioning provisioned) {
        return new KafkaRequestStore(publisher, codec, bootstrapServers);
    }

    @Bean(destroyMethod = "close")
    LifecycleEngine lifecycleEngine(LifecyclePolicy policy, RequestStore store, EventPublisher publisher, ClaimsPort claims,
            Clock clock, @Value("${vgpu.lifecycle.tick:1s}") Duration tick) {
        LifecycleEngine engine = new LifecycleEngine(new LifecycleMachine(policy), store, publisher, claims, clock,
                UUID::randomUUID);
        engine.start(tick);
        return engine;
    }
}
