package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;

import java.time.Instant;

/**
 * The health-service asks migration-service to move every vGPU off a pGPU that entered DRAINING or FAILED.
 * Keyed by pGPU UUID.
 *
 * @param drainId deterministic from the pGPU and the time of the transition, so a replay repeats the id
 * @param health the verdict that asked for the drain, DRAINING or FAILED
 * @param rule the named policy rule that decided, e.g. {@code double-bit-ecc}
 */
public record DrainRequested(
        String drainId,
        String gpuUuid,
        String hostId,
        GpuHealth health,
        String rule,
        String reason,
        Instant requestedAt) {

    public DrainRequested {
        identifier(drainId, "drainId");
        validGpuUuid(gpuUuid, "gpuUuid");
        validHostId(hostId, "hostId");
        present(health, "health");
        nonBlank(rule, "rule");
        nonBlank(reason, "reason");
        present(requestedAt, "requestedAt");
    }
}
