package io.vgpufleet.contracts.lifecycle;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A vGPU request moved from one state to the next. Keyed by request id.
 *
 * @param previous absent for the first transition (into REQUESTED)
 * @param reason why, e.g. the failure's cause, or {@code agent confirmed creation}
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
        Instant changedAt) {

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
    }
}
