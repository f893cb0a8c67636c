package io.vgpufleet.inventory.placement.api;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.inventory.placement.NvlinkLink;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * What placement needs besides host snapshots: GPU health verdicts and cordons (health-service will
 * publish them) and the NVLink topology (snapshots do not carry it yet). Until those feeds exist,
 * {@link #NONE} says every pGPU is healthy, none is cordoned and none is linked. A feed implements this
 * and raises {@link #version()} whenever what it answers changes, so the placement input is rebuilt.
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
