package io.vgpufleet.contracts.migration;

import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A migration saga reached a step. Keyed by migration id.
 *
 * @param drainId the drain this migration serves, if any
 * @param detail what happened, e.g. the rejected candidates and why, or the compensation taken
 * @param rejections every target considered and not chosen so far, with its reason
 * @param estimatedDowntimeMillis the stun time estimated before the start from the framebuffer and the link
 *     bandwidth; 0 where not yet estimated
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
        Instant at,
        List<CandidateRejection> rejections,
        long estimatedDowntimeMillis) {

    /** A progress record without rejections or estimate. */
    public MigrationProgressed(String migrationId, @Nullable String drainId, String vmId, String vgpuUuid,
            String sourceHostId, @Nullable String targetHostId, MigrationStep step, String detail, Instant at) {
        this(migrationId, drainId, vmId, vgpuUuid, sourceHostId, targetHostId, step, detail, at, List.of(), 0);
    }

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
        rejections = list(rejections, "rejections");
        nonNegative(estimatedDowntimeMillis, "estimatedDowntimeMillis");
    }
}
