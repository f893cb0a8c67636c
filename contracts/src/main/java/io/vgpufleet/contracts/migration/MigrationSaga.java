package io.vgpufleet.contracts.migration;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.validUuid;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The whole state of one migration saga, as the migration-service persists it after every transition on
 * a compacted topic keyed by migration id: the latest record of a migration is enough to resume it.
 *
 * @param drainId the drain this migration serves, if any
 * @param urgent health-triggered: started before operator work when the concurrency limits bind
 * @param requestedTargetHostId the target the operator asked for, if any
 * @param migrationVersion the source vGPU's (or its type's) {@code migration_version}, where the source has one
 * @param nvmlMetadataBase64 the source vGPU's {@code nvmlVgpuInstanceGetMetadata} blob, where the source gave one
 * @param framebufferMib the framebuffer the downtime estimate was made from
 * @param startedAt when the concurrency limits let it leave QUEUED; absent while queued
 * @param attempt retries spent in the current step (commands resent after a timeout or a failure)
 * @param candidates targets that passed the policy, in order of preference, with their compatibility
 * @param rejections every target not chosen, with its reason
 * @param targetVgpuUuid the vGPU the VM moves onto; fixed for the saga so a resent command is the same
 * @param compensations what is still to undo, in order; empty unless {@code step} is COMPENSATING
 * @param reason why the saga ended COMPENSATED or FAILED; the last word on the step otherwise
 */
public record MigrationSaga(
        String migrationId,
        @Nullable String drainId,
        boolean urgent,
        String vmId,
        String vgpuUuid,
        String typeId,
        String sourceHostId,
        String sourceGpuUuid,
        @Nullable String requestedTargetHostId,
        @Nullable String migrationVersion,
        @Nullable String nvmlMetadataBase64,
        long framebufferMib,
        long estimatedDowntimeMillis,
        MigrationStep step,
        int attempt,
        Instant createdAt,
        @Nullable Instant startedAt,
        Instant stepStartedAt,
        Instant updatedAt,
        List<TargetCandidate> candidates,
        List<CandidateRejection> rejections,
        @Nullable String claimId,
        @Nullable String targetHostId,
        @Nullable String targetGpuUuid,
        @Nullable String targetPciBdf,
        String targetVgpuUuid,
        List<Compensation> compensations,
        String reason) {

    public MigrationSaga {
        identifier(migrationId, "migrationId");
        if (drainId != null) {
            identifier(drainId, "drainId");
        }
        identifier(vmId, "vmId");
        validUuid(vgpuUuid, "vgpuUuid");
        vgpuTypeId(typeId, "typeId");
        validHostId(sourceHostId, "sourceHostId");
        validGpuUuid(sourceGpuUuid, "sourceGpuUuid");
        if (requestedTargetHostId != null) {
            validHostId(requestedTargetHostId, "requestedTargetHostId");
        }
        nonNegative(framebufferMib, "framebufferMib");
        nonNegative(estimatedDowntimeMillis, "estimatedDowntimeMillis");
        present(step, "step");
        nonNegative(attempt, "attempt");
        present(createdAt, "createdAt");
        present(stepStartedAt, "stepStartedAt");
        present(updatedAt, "updatedAt");
        candidates = list(candidates, "candidates");
        rejections = list(rejections, "rejections");
        if (claimId != null) {
            identifier(claimId, "claimId");
        }
        if (targetHostId != null) {
            validHostId(targetHostId, "targetHostId");
        }
        if (targetGpuUuid != null) {
            validGpuUuid(targetGpuUuid, "targetGpuUuid");
        }
        if (targetPciBdf != null) {
            validPciBdf(targetPciBdf, "targetPciBdf");
        }
        validUuid(targetVgpuUuid, "targetVgpuUuid");
        compensations = list(compensations, "compensations");
        present(reason, "reason");
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with some fields changed: {@code saga.toBuilder().step(MIGRATE).attempt(0).build()}. */
    public static final class Builder {
        private final MigrationSaga from;
        private MigrationStep step;
        private int attempt;
        private @Nullable Instant startedAt;
        private Instant stepStartedAt;
        private Instant updatedAt;
        private List<TargetCandidate> candidates;
        private List<CandidateRejection> rejections;
        private @Nullable String claimId;
        private @Nullable String targetHostId;
        private @Nullable String targetGpuUuid;
        private @Nullable String targetPciBdf;
        private List<Compensation> compensations;
        private String reason;
        private long framebufferMib;
        private long estimatedDowntimeMillis;

        private Builder(MigrationSaga from) {
            this.from = from;
            step = from.step;
            attempt = from.attempt;
            startedAt = from.startedAt;
            stepStartedAt = from.stepStartedAt;
            updatedAt = from.updatedAt;
            candidates = from.candidates;
            rejections = from.rejections;
            claimId = from.claimId;
            targetHostId = from.targetHostId;
            targetGpuUuid = from.targetGpuUuid;
            targetPciBdf = from.targetPciBdf;
            compensations = from.compensations;
            reason = from.reason;
            framebufferMib = from.framebufferMib;
            estimatedDowntimeMillis = from.estimatedDowntimeMillis;
        }

        public Builder step(MigrationStep value) {
            step = value;
            return this;
        }

        public Builder attempt(int value) {
            attempt = value;
            return this;
        }

        public Builder startedAt(@Nullable Instant value) {
            startedAt = value;
            return this;
        }

        public Builder stepStartedAt(Instant value) {
            stepStartedAt = value;
            return this;
        }

        public Builder updatedAt(Instant value) {
            updatedAt = value;
            return this;
        }

        public Builder candidates(List<TargetCandidate> value) {
            candidates = value;
            return this;
        }

        public Builder rejections(List<CandidateRejection> value) {
            rejections = value;
            return this;
        }

        public Builder claimId(@Nullable String value) {
            claimId = value;
            return this;
        }

        public Builder target(@Nullable String hostId, @Nullable String gpuUuid, @Nullable String pciBdf) {
            targetHostId = hostId;
            targetGpuUuid = gpuUuid;
            targetPciBdf = pciBdf;
            return this;
        }

        public Builder compensations(List<Compensation> value) {
            compensations = value;
            return this;
        }

        public Builder reason(String value) {
            reason = value;
            return this;
        }

        public Builder estimate(long framebuffer, long downtimeMillis) {
            framebufferMib = framebuffer;
            estimatedDowntimeMillis = downtimeMillis;
            return this;
        }

        public MigrationSaga build() {
            return new MigrationSaga(from.migrationId, from.drainId, from.urgent, from.vmId, from.vgpuUuid, from.typeId,
                    from.sourceHostId, from.sourceGpuUuid, from.requestedTargetHostId, from.migrationVersion,
                    from.nvmlMetadataBase64, framebufferMib, estimatedDowntimeMillis, step, attempt, from.createdAt,
                    startedAt, stepStartedAt, updatedAt, candidates, rejections, claimId, targetHostId, targetGpuUuid, targetPciBdf,
                    from.targetVgpuUuid, compensations, reason);
        }
    }
}
