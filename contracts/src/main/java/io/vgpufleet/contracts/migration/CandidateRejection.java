package io.vgpufleet.contracts.migration;

import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;

import org.jspecify.annotations.Nullable;

/**
 * A target the migration-service considered and did not choose, and why.
 *
 * @param gpuUuid the target pGPU, where the reason is about one pGPU rather than the whole host
 * @param reason a stable code: {@code TYPE_UNAVAILABLE}, {@code NO_CAPACITY}, {@code ECC_MODE}, {@code
 *     DRIVER_VERSION}, {@code HOST_KIND}, {@code BOARD}, {@code UNHEALTHY}, {@code MIGRATION_VERSION}, {@code
 *     NVML_LIMIT}, {@code NOT_MIGRATABLE}, {@code NO_ANSWER}, {@code CLAIM_REFUSED}, {@code NOT_REQUESTED}
 * @param detail the words of whoever refused (the agent, the driver, the inventory, the policy)
 */
public record CandidateRejection(String hostId, @Nullable String gpuUuid, String reason, String detail) {

    public CandidateRejection {
        validHostId(hostId, "hostId");
        if (gpuUuid != null) {
            validGpuUuid(gpuUuid, "gpuUuid");
        }
        nonBlank(reason, "reason");
        nonBlank(detail, "detail");
    }
}
