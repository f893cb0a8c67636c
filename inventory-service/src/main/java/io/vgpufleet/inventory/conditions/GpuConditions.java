package io.vgpufleet.inventory.conditions;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.inventory.placement.NvlinkLink;
import io.vgpufleet.inventory.placement.FleetConditions;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The health-service's verdicts and cordons as placement sees them, fed from the compacted
 * {@code vgpu.health.gpu-health.v1} and {@code vgpu.health.gpu-cordons.v1} topics (read whole at every
 * start). A verdict or cordon older than the one held for its pGPU is ignored, so a replay never moves a
 * pGPU back in time. NVLink topology is not carried by any record yet: none is reported.
 */
public final class GpuConditions implements FleetConditions {

    private final Map<String, GpuHealthChanged> health = new ConcurrentHashMap<>();
    private final Map<String, GpuCordonChanged> cordons = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /** Takes a verdict in; answers whether placement must see it. */
    public boolean apply(GpuHealthChanged change) {
        return keepNewest(health, change.gpuUuid(), change, GpuHealthChanged::changedAt);
    }

    /** Takes a cordon or uncordon in; answers whether placement must see it. */
    public boolean apply(GpuCordonChanged change) {
        return keepNewest(cordons, change.gpuUuid(), change, GpuCordonChanged::changedAt);
    }

    private <T> boolean keepNewest(Map<String, T> held, String gpuUuid, T change, Function<T, Instant> at) {
        boolean[] applied = {false};
        held.compute(gpuUuid, (gpu, current) -> {
            if (current != null && at.apply(change).isBefore(at.apply(current))) {
                return current;
            }
            applied[0] = true;
            return change;
        });
        if (applied[0]) {
            version.incrementAndGet();
        }
        return applied[0];
    }

    @Override
    public Map<String, GpuHealth> health() {
        Map<String, GpuHealth> verdicts = new java.util.HashMap<>();
        health.forEach((gpu, change) -> verdicts.put(gpu, change.current()));
        return verdicts;
    }

    @Override
    public Set<String> cordonedGpus() {
        Set<String> cordoned = new java.util.HashSet<>();
        cordons.forEach((gpu, change) -> {
            if (change.cordoned()) {
                cordoned.add(gpu);
            }
        });
        return cordoned;
    }

    @Override
    public Map<String, ? extends Collection<NvlinkLink>> nvlinkByHost() {
        return Map.of();
    }

    @Override
    public long version() {
        return version.get();
    }
}
