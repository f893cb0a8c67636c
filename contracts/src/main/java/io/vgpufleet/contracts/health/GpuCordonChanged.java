package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/**
 * A pGPU was cordoned (no new vGPUs placed on it) or uncordoned, by policy or by an operator. Keyed by
 * pGPU UUID on a compacted topic.
 *
 * @param actor {@code policy:<rule>} or the operator's principal
 */
public record GpuCordonChanged(
        String gpuUuid, String hostId, boolean cordoned, String reason, String actor, Instant changedAt) {

    public GpuCordonChanged {
        validGpuUuid(gpuUuid, "gpuUuid");
        validHostId(hostId, "hostId");
        nonBlank(reason, "reason");
        nonBlank(actor, "actor");
        present(changedAt, "changedAt");
    }
}
