package io.vgpufleet.contracts.claims;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The host's claim ledger refused a command and changed nothing, or the claim id's reservation refused a
 * claim because the id is held for another host (code {@code CLAIM_ID_HELD}); every reason is listed. On
 * {@code vgpu.inventory.claim-refusals.v1}, keyed by claim id (the reservation of the id reads it).
 *
 * @param commandType the refused command's {@code ce_type}
 */
public record ClaimCommandRefused(
        String commandId, String claimId, String hostId, String commandType, List<Reason> reasons, Instant refusedAt) {

    public ClaimCommandRefused {
        identifier(commandId, "commandId");
        identifier(claimId, "claimId");
        validHostId(hostId, "hostId");
        nonBlank(commandType, "commandType");
        reasons = list(reasons, "reasons");
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a refusal names at least one reason");
        }
        present(refusedAt, "refusedAt");
    }

    /**
     * One reason.
     *
     * @param gpuUuid the pGPU it is about; absent when it is about the host or the claim
     * @param code a stable name: NO_SNAPSHOT, UNKNOWN_GPU, TYPE_NOT_SUPPORTED, OTHER_TYPE_RESIDENT,
     *     MAX_INSTANCES, NO_CAPACITY, VGPU_UUID_IN_USE, UNKNOWN_CLAIM, NOT_GRANTED, CLAIM_ID_HELD
     */
    public record Reason(@Nullable String gpuUuid, String code, String detail) {

        public Reason {
            if (gpuUuid != null) {
                validGpuUuid(gpuUuid, "gpuUuid");
            }
            nonBlank(code, "code");
            nonBlank(detail, "detail");
        }
    }
}
