package io.vgpufleet.migration.sagas;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.migration.downtime.DowntimeEstimate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A new migration saga, QUEUED, from what the source host's snapshot says about the vGPU: its type, pGPU,
 * {@code migration_version} (the device's, else its type's), NVML metadata, and the downtime estimate made
 * from its framebuffer.
 */
public final class MigrationRequests {

    private MigrationRequests() {}

    public static MigrationSaga queued(String migrationId, @Nullable String drainId, boolean urgent,
            HostSnapshot source, Vgpu vgpu, @Nullable String requestedTargetHostId, DowntimeEstimate estimate,
            Instant now) {
        if (vgpu.vmId() == null) {
            throw new IllegalArgumentException("vGPU " + vgpu.uuid() + " is held by no VM: nothing to live-migrate");
        }
        PhysicalGpu gpu = source.gpus().stream().filter(g -> g.uuid().equals(vgpu.gpuUuid())).findFirst().orElseThrow();
        Optional<VgpuTypeCapacity> type = gpu.types().stream().filter(t -> t.typeId().equals(vgpu.typeId())).findFirst();
        long framebuffer = type.map(VgpuTypeCapacity::framebufferMib).orElse(0L);
        String version = vgpu.migrationVersion() != null ? vgpu.migrationVersion()
                : type.map(VgpuTypeCapacity::migrationVersion).orElse(null);
        return new MigrationSaga(migrationId, drainId, urgent, vgpu.vmId(), vgpu.uuid(), vgpu.typeId(), source.hostId(),
                gpu.uuid(), requestedTargetHostId, version, vgpu.nvmlMetadataBase64(), framebuffer,
                estimate.millisFor(framebuffer), MigrationStep.QUEUED, 0, now, null, now, now, List.of(), List.of(), null,
                null, null, null, CommandIds.targetVgpuUuid(migrationId), List.of(),
                "queued; estimated downtime " + estimate.millisFor(framebuffer) + " ms for " + framebuffer
                        + " MiB of framebuffer");
    }
}
