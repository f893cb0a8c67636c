package io.vgpufleet.contracts.migration;

import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A migration saga reached a step. Keyed by migration id.
 *
 * @param drainId the drain this migration serves, if any
 * @param detail what happened, e.g. the rejected candidates and why, or the compensation taken
 */
public record MigrationProgressed(
        String migrationId,
        @Nullable String drainId,
        String vmId,
        String vgpuUuid,
        String sourceHostId,
        @Nullable String targetHostId,
        MigrationStep step,
        String detail,
        Instant at) {

    public MigrationProgressed {
        identifier(migrationId, "migrationId");
        if (drainId != null) {
            identifier(drainId, "drainId");
        }
        identifier(vmId, "vmId");
        validUuid(vgpuUuid, "vgpuUuid");
        validHostId(sourceHostId, "sourceHostId");
        if (targetHostId != null) {
            validHostId(targetHostId, "targetHostId");
        }
        present(step, "step");
        nonBlank(detail, "detail");
        present(at, "at");
    }
}
