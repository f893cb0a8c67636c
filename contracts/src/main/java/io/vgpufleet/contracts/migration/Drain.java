package io.vgpufleet.contracts.migration;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A drain of one pGPU or one whole host, as the migration-service persists it (compacted, keyed by drain
 * id): the vGPUs found on it when it was asked for, each with the migration that moves it or the reason
 * none can. Its progress is the progress of those migrations.
 *
 * @param gpuUuid the pGPU drained; absent when the whole host is
 * @param urgent asked for by the health-service: its migrations go first
 */
public record Drain(
        String drainId,
        String hostId,
        @Nullable String gpuUuid,
        boolean urgent,
        String reason,
        Instant requestedAt,
        List<Item> items) {

    /**
     * One vGPU of the drain.
     *
     * @param migrationId the migration that moves it; absent when it cannot be moved
     * @param unplaced why it cannot be moved (no VM holds it, ...); absent when a migration was started
     */
    public record Item(String vgpuUuid, @Nullable String vmId, @Nullable String migrationId, @Nullable String unplaced) {

        public Item {
            validUuid(vgpuUuid, "vgpuUuid");
            if (vmId != null) {
                identifier(vmId, "vmId");
            }
            if (migrationId != null) {
                identifier(migrationId, "migrationId");
            }
            if ((migrationId == null) == (unplaced == null)) {
                throw new IllegalArgumentException("an item has a migrationId or an unplaced reason, not both or neither");
            }
        }
    }

    public Drain {
        identifier(drainId, "drainId");
        validHostId(hostId, "hostId");
        if (gpuUuid != null) {
            validGpuUuid(gpuUuid, "gpuUuid");
        }
        nonBlank(reason, "reason");
        present(requestedAt, "requestedAt");
        items = list(items, "items");
    }
}
