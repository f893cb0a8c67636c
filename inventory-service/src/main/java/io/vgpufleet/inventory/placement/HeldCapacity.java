package io.vgpufleet.inventory.placement;

import java.util.List;
import java.util.Map;

/**
 * Capacity that claims hold and the hosts' snapshots may not show yet: the vGPUs of active claims
 * (granted, not yet created), so that placement does not propose what is already promised. The claim
 * ledgers stay the authority; this only keeps candidates from being proposed that a ledger would refuse.
 * A vGPU that the host's snapshot shows is counted by the snapshot, not twice. {@link #NONE} holds nothing.
 * A feed raises {@link #version()} whenever what it answers changes, so the placement input is rebuilt.
 */
public interface HeldCapacity {

    /** One vGPU a claim holds on a pGPU. */
    record HeldVgpu(String gpuUuid, String typeId, String vgpuUuid) {}

    /** Per host id, the vGPUs its active claims hold. */
    Map<String, List<HeldVgpu>> byHost();

    /** Rises whenever {@link #byHost()} changes. */
    long version();

    HeldCapacity NONE = new HeldCapacity() {
        @Override
        public Map<String, List<HeldVgpu>> byHost() {
            return Map.of();
        }

        @Override
        public long version() {
            return 0;
        }
    };
}
