package io.vgpufleet.inventory.placement.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.inventory.placement.FleetConditions;
import io.vgpufleet.inventory.placement.HeldCapacity;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.inventory.fleet.InventoryMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the placement API: {@code vgpu.inventory.stale-after} (default 60 s without a snapshot marks a
 * host stale) and {@code vgpu.inventory.placement-rebuild-interval} (default 1 s: the least time between
 * two rebuilds of the placement input, however often the fleet changes).
 */
@Configuration(proxyBeanMethods = false)
class PlacementApiConfiguration {

    @Bean(destroyMethod = "close")
    PlacementInputSource placementInputSource(FleetView fleet, FleetConditions conditions, HeldCapacity held, Clock clock,
            MeterRegistry meters,
            @Value("${vgpu.inventory.stale-after:60s}") Duration staleAfter,
            @Value("${vgpu.inventory.placement-rebuild-interval:1s}") Duration rebuildInterval) {
        // not a bean: an Executor bean would displace Spring Boot's own task executor
        ExecutorService rebuilds = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "placement-input-rebuild");
            thread.setDaemon(true);
            return thread;
        });
        PlacementInputSource source = new PlacementInputSource(fleet, conditions, held, clock, staleAfter,
                rebuildInterval, rebuilds);
        Gauge.builder(InventoryMetrics.GPU_UUID_CONFLICTS, source, PlacementInputSource::uuidConflicts)
                .description("pGPU UUIDs reported by more than one host, excluded from placement").register(meters);
        return source;
    }
}
