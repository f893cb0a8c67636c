package io.vgpufleet.contracts.lifecycle;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A vGPU request moved from one state to the next. Keyed by request id. A record whose {@code previous}
 * equals {@code current} marks something that happened within a state, e.g. {@code VM reboot required}
 * after a double-bit ECC error on the pGPU.
 *
 * @param previous absent for the first transition (into REQUESTED)
 * @param reason why, e.g. the failure's cause, or {@code agent confirmed creation}
 * @param gpuUuid the pGPU of the request's first vGPU, once placed
 * @param vgpuUuid the request's first vGPU, once placed
 * @param vgpuUuids every vGPU of the request (a multi-vGPU VM has several), once placed; empty before
 */
public record VgpuStateChanged(
        String requestId,
        String vmId,
        @Nullable VgpuState previous,
        VgpuState current,
        String reason,
        @Nullable String hostId,
        @Nullable String gpuUuid,
        @Nullable String vgpuUuid,
        Instant changedAt,
        List<String> vgpuUuids) {

    /** A change of a request of one vGPU (or one not placed yet). */
    public VgpuStateChanged(String requestId, String vmId, @Nullable VgpuState previous, VgpuState current,
            String reason, @Nullable String hostId, @Nullable String gpuUuid, @Nullable String vgpuUuid,
            Instant changedAt) {
        this(requestId, vmId, previous, current, reason, hostId, gpuUuid, vgpuUuid, changedAt,
                vgpuUuid == null ? List.of() : List.of(vgpuUuid));
    }

    public VgpuStateChanged {
        identifier(requestId, "requestId");
        identifier(vmId, "vmId");
        present(current, "current");
        nonBlank(reason, "reason");
        if (hostId != null) {
            validHostId(hostId, "hostId");
        }
        if (gpuUuid != null) {
            validGpuUuid(gpuUuid, "gpuUuid");
        }
        if (vgpuUuid != null) {
            validUuid(vgpuUuid, "vgpuUuid");
        }
        present(changedAt, "changedAt");
        // no producer wrote this topic before the field existed, so it is required like the others
        vgpuUuids = list(vgpuUuids, "vgpuUuids");
        vgpuUuids.forEach(uuid -> validUuid(uuid, "vgpuUuids[]"));
    }
}
