package io.vgpufleet.inventory.placement;

import io.vgpufleet.contracts.health.GpuHealth;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * What placement needs besides host snapshots: GPU health verdicts and cordons (the health-service's,
 * fed by {@code inventory.conditions}) and the NVLink topology (no record carries it yet). {@link #NONE}
 * says every pGPU is healthy, none is cordoned and none is linked. A feed implements this and raises
 * {@link #version()} whenever what it answers changes, so the placement input is rebuilt.
 */
public interface FleetConditions {

    /** Health per pGPU UUID; a pGPU absent counts as healthy. */
    Map<String, GpuHealth> health();

    Set<String> cordonedGpus();

    Map<String, ? extends Collection<NvlinkLink>> nvlinkByHost();

    /** Rises whenever any of the above changes. */
    long version();

    /** No health feed, no cordons, no topology yet. */
    FleetConditions NONE = new FleetConditions() {
        @Override
        public Map<String, GpuHealth> health() {
            return Map.of();
        }

        @Override
        public Set<String> cordonedGpus() {
            return Set.of();
        }

        @Override
        public Map<String, ? extends Collection<NvlinkLink>> nvlinkByHost() {
            return Map.of();
        }

        @Override
        public long version() {
            return 0;
        }
    };
}
