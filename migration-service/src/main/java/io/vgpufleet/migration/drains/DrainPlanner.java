package io.vgpufleet.migration.drains;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.migration.Drain;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.migration.downtime.DowntimeEstimate;
import io.vgpufleet.migration.sagas.CommandIds;
import io.vgpufleet.migration.sagas.MigrationRequests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A drain of a pGPU (or of a whole host) as of the host's latest snapshot: one QUEUED migration per vGPU
 * held by a VM (its id derived from the drain and the vGPU, so a repeated drain request makes the same
 * ones), and for a vGPU no VM holds, the reason it is not moved. Pure.
 */
public final class DrainPlanner {

    private final DowntimeEstimate estimate;

    public DrainPlanner(DowntimeEstimate estimate) {
        this.estimate = estimate;
    }

    public Plan plan(String drainId, HostSnapshot host, @Nullable String gpuUuid, boolean urgent, String reason,
            Instant now) {
        List<Drain.Item> items = new ArrayList<>();
        List<MigrationSaga> migrations = new ArrayList<>();
        for (Vgpu vgpu : host.vgpus()) {
            if (gpuUuid != null && !gpuUuid.equals(vgpu.gpuUuid())) {
                continue;
            }
            if (vgpu.vmId() == null) {
                items.add(new Drain.Item(vgpu.uuid(), null, null, "no VM holds it: nothing to live-migrate"));
                continue;
            }
            String migrationId = CommandIds.drainMigrationId(drainId, vgpu.uuid());
            items.add(new Drain.Item(vgpu.uuid(), vgpu.vmId(), migrationId, null));
            migrations.add(MigrationRequests.queued(migrationId, drainId, urgent, host, vgpu, null, estimate, now));
        }
        return new Plan(new Drain(drainId, host.hostId(), gpuUuid, urgent, reason, now, items), migrations);
    }

    public record Plan(Drain drain, List<MigrationSaga> migrations) {}
}
