package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/** The pGPU stopped answering (NVML_ERROR_GPU_IS_LOST, or gone from sysfs). */
public record GpuLost(String hostId, String gpuUuid, Instant observedAt, SignalSource source, String reason)
        implements HealthSignal {

    public GpuLost {
        validHostId(hostId, "hostId");
        validGpuUuid(gpuUuid, "gpuUuid");
        present(observedAt, "observedAt");
        present(source, "source");
        nonBlank(reason, "reason");
    }
}
