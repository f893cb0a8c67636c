package io.vgpufleet.migration.sagas;

import static io.vgpufleet.contracts.migration.MigrationStep.CHECK_COMPATIBILITY;
import static io.vgpufleet.contracts.migration.MigrationStep.CLAIM_TARGET;
import static io.vgpufleet.contracts.migration.MigrationStep.CLEANUP_SOURCE;
import static io.vgpufleet.contracts.migration.MigrationStep.COMPENSATED;
import static io.vgpufleet.contracts.migration.MigrationStep.COMPENSATING;
import static io.vgpufleet.contracts.migration.MigrationStep.COMPLETED;
import static io.vgpufleet.contracts.migration.MigrationStep.FAILED;
import static io.vgpufleet.contracts.migration.MigrationStep.MIGRATE;
import static io.vgpufleet.contracts.migration.MigrationStep.PREPARE_TARGET;
import static io.vgpufleet.contracts.migration.MigrationStep.QUEUED;
import static io.vgpufleet.contracts.migration.MigrationStep.VALIDATE;
import static io.vgpufleet.contracts.migration.MigrationStep.VERIFY;

import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.migration.CandidateRejection;
import io.vgpufleet.contracts.migration.Compensation;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.contracts.migration.TargetCandidate;
import io.vgpufleet.contracts.migration.TargetCandidate.Compatibility;
import io.vgpufleet.migration.compatibility.CandidateFilter;
import io.vgpufleet.migration.compatibility.CompatibilityVerdict;
import io.vgpufleet.migration.fleet.Fleet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The migration saga as named steps, each with what it does, what ends it and what undoes it:
 *
 * <pre>
 * step                 does (effect, deterministic id)                 done when                       compensation
 * VALIDATE             checks the source vGPU is held by the VM,       at once                         -
 *                      filters the fleet by policy
 * CHECK_COMPATIBILITY  CheckMigrationCompatibility to each candidate   every candidate answered        -
 *                      target ({@code <id>.check.<pGPU>})
 * CLAIM_TARGET         claims one instance on the best compatible      the inventory granted it        RELEASE_CLAIM
 *                      target under its inbound limit
 * PREPARE_TARGET       PrepareMigrationTarget ({@code <id>.prepare})   the target agent created it     REMOVE_TARGET_VGPU
 * MIGRATE              MigrateVm on the source ({@code <id>.migrate})  the source agent moved the VM   (VM stays on the source)
 * VERIFY               -                                               the target's snapshot shows the
 *                                                                      vGPU held by the VM
 * CLEANUP_SOURCE       RemoveVgpu on the source ({@code <id>.cleanup}) the source agent removed it     -
 * </pre>
 *
 * A failed or timed-out step starts the compensations of the steps before it, last first (remove the
 * target vGPU, then release the claim): the saga ends COMPENSATED, the VM on its source and nothing left
 * behind, with the reason. It ends FAILED only where the fleet may need an operator: the VM's location is
 * unknown, the target's snapshot never showed it, the source vGPU could not be removed, or the target vGPU
 * could not be removed.
 *
 * <p>Every step waits at most its timeout, then sends its effects again under the same ids, at most
 * {@link SagaSettings#attempts()} times. {@link #resume} sends the current step's effects again after a
 * restart; a repeat is answered with the first outcome, so no effect happens twice.
 *
 * <p>Pure: a transition is a function of the saga, the event, the {@link Fleet} value and the time.
 */
public final class SagaSteps {

    private final SagaSettings settings;
    private final CandidateFilter filter;
    private final int inboundLimit;

    /**
     * @param inboundLimit the most migrations that may head to one target host at once (claiming to cleanup)
     */
    public SagaSteps(SagaSettings settings, CandidateFilter filter, int inboundLimit) {
        if (inboundLimit < 1) {
            throw new IllegalArgumentException("the inbound limit must be at least 1, was " + inboundLimit);
        }
        this.settings = settings;
        this.filter = filter;
        this.inboundLimit = inboundLimit;
    }

    // ------------------------------------------------------------------ events

    /** The concurrency limits let a QUEUED saga start: VALIDATE, then CHECK_COMPATIBILITY. */
    public Transition admit(MigrationSaga saga, Fleet fleet, Instant now) {
        if (saga.step() != QUEUED) {
            return Transition.unchanged(saga);
        }
        MigrationSaga validating = enter(saga.toBuilder().startedAt(now).build(), VALIDATE, now, "validating");
        return validate(validating, fleet, now);
    }

    /** An agent's reply to one of this saga's commands. Replies to commands of an earlier step are ignored. */
    public Transition onReply(MigrationSaga saga, CommandReply reply, Fleet fleet, Instant now) {
        String id = reply.commandId();
        return switch (saga.step()) {
            case CHECK_COMPATIBILITY -> onCheckReply(saga, reply, fleet, now);
            case PREPARE_TARGET -> id.equals(CommandIds.of(saga.migrationId(), CommandIds.PREPARE))
                    ? onPrepareReply(saga, reply, now) : Transition.unchanged(saga);
            case MIGRATE -> id.equals(CommandIds.of(saga.migrationId(), CommandIds.MIGRATE))
                    ? onMigrateReply(saga, reply, fleet, now) : Transition.unchanged(saga);
            case CLEANUP_SOURCE -> id.equals(CommandIds.of(saga.migrationId(), CommandIds.CLEANUP))
                    ? onCleanupReply(saga, reply, now) : Transition.unchanged(saga);
            case COMPENSATING -> id.equals(CommandIds.of(saga.migrationId(), CommandIds.UNDO_PREPARE))
                    && head(saga) == Compensation.REMOVE_TARGET_VGPU ? onUndoPrepareReply(saga, reply, fleet, now)
                    : Transition.unchanged(saga);
            default -> Transition.unchanged(saga);
        };
    }

    /** The inventory's answer to this saga's claim or release. */
    public Transition onClaim(MigrationSaga saga, ClaimAnswer answer, Fleet fleet, Instant now) {
        if (!answer.claimId().equals(saga.claimId())) {
            return Transition.unchanged(saga);
        }
        if (saga.step() == CLAIM_TARGET) {
            if (answer instanceof ClaimAnswer.Granted granted) {
                return advance(saga.toBuilder().target(granted.hostId(), granted.gpuUuid(), granted.pciBdf()).build(),
                        PREPARE_TARGET, now, "claimed " + granted.gpuUuid() + " (" + granted.pciBdf() + ") on "
                                + granted.hostId());
            }
            if (answer instanceof ClaimAnswer.Refused refused) {
                List<CandidateRejection> rejections = new ArrayList<>(saga.rejections());
                String host = saga.targetHostId();
                String gpu = saga.targetGpuUuid();
                rejections.add(new CandidateRejection(host == null ? saga.sourceHostId() : host, gpu, "CLAIM_REFUSED",
                        refused.reason()));
                List<TargetCandidate> left = saga.candidates().stream()
                        .filter(candidate -> !(candidate.hostId().equals(host) && candidate.gpuUuid().equals(gpu)))
                        .toList();
                MigrationSaga next = saga.toBuilder().candidates(left).rejections(rejections).claimId(null)
                        .target(null, null, null).build();
                return chooseAndClaim(next, fleet, now, "the inventory refused " + gpu + " on " + host + ": "
                        + refused.reason());
            }
            if (answer instanceof ClaimAnswer.Unavailable unavailable) {
                return new Transition(saga.toBuilder().updatedAt(now)
                        .reason("inventory unavailable: " + unavailable.reason()).build(), List.of(), null);
            }
            return Transition.unchanged(saga);
        }
        if (saga.step() == COMPENSATING && head(saga) == Compensation.RELEASE_CLAIM
                && answer instanceof ClaimAnswer.Released) {
            return nextCompensation(saga, now, "released claim " + saga.claimId());
        }
        return Transition.unchanged(saga);
    }

    /** A host snapshot arrived: VERIFY waits for the target's. */
    public Transition onSnapshot(MigrationSaga saga, HostSnapshot snapshot, Instant now) {
        if (saga.step() == VERIFY && snapshot.hostId().equals(saga.targetHostId()) && holdsTarget(saga, snapshot)) {
            return advance(saga, CLEANUP_SOURCE, now, "the target's snapshot shows vGPU " + saga.targetVgpuUuid()
                    + " held by VM " + saga.vmId() + "; removing the source vGPU");
        }
        return Transition.unchanged(saga);
    }

    /** Time passed: a step past its timeout sends again, or fails after its last attempt. */
    public Transition onTick(MigrationSaga saga, Fleet fleet, Instant now) {
        if (!SagaSettings.active(saga.step())) {
            return Transition.unchanged(saga);
        }
        if (saga.step() == CLAIM_TARGET && saga.claimId() == null) {
            // waiting for a target host below its inbound limit: look again
            Transition again = chooseAndClaim(saga, fleet, now, null);
            if (again.saga().claimId() != null || again.saga().step() != CLAIM_TARGET) {
                return again;
            }
        }
        if (now.isBefore(saga.stepStartedAt().plus(settings.timeout(saga.step())))) {
            return Transition.unchanged(saga);
        }
        if (saga.attempt() + 1 < settings.attempts()) {
            MigrationSaga retried = saga.toBuilder().attempt(saga.attempt() + 1).stepStartedAt(now).updatedAt(now)
                    .reason(saga.step() + " timed out; attempt " + (saga.attempt() + 2) + " of " + settings.attempts())
                    .build();
            return new Transition(retried, effects(retried, now), null);
        }
        return timedOut(saga, fleet, now);
    }

    /** After a restart: the current step's effects again, under the same ids. */
    public Transition resume(MigrationSaga saga, Fleet fleet, Instant now) {
        if (saga.step() == VALIDATE) {
            return validate(saga, fleet, now);
        }
        if (saga.step() == VERIFY) {
            Optional<HostSnapshot> target = saga.targetHostId() == null ? Optional.empty() : fleet.host(saga.targetHostId());
            if (target.isPresent()) {
                return onSnapshot(saga, target.get(), now);
            }
        }
        return new Transition(saga, effects(saga, now), null);
    }

    // ------------------------------------------------------------------ the steps

    private Transition validate(MigrationSaga saga, Fleet fleet, Instant now) {
        Optional<HostSnapshot> source = fleet.host(saga.sourceHostId());
        if (source.isEmpty()) {
            return end(saga, FAILED, now, "VALIDATE: no snapshot of source host " + saga.sourceHostId());
        }
        Optional<Vgpu> vgpu = source.get().vgpus().stream().filter(v -> v.uuid().equals(saga.vgpuUuid())).findFirst();
        if (vgpu.isEmpty()) {
            return end(saga, FAILED, now, "VALIDATE: source host " + saga.sourceHostId() + " has no vGPU " + saga.vgpuUuid());
        }
        if (!saga.vmId().equals(vgpu.get().vmId())) {
            return end(saga, FAILED, now, "VALIDATE: vGPU " + saga.vgpuUuid() + " is not held by VM " + saga.vmId()
                    + (vgpu.get().vmId() == null ? " (no VM holds it)" : " (VM " + vgpu.get().vmId() + " does)"));
        }
        if (saga.migrationVersion() == null && saga.nvmlMetadataBase64() == null) {
            return end(saga, COMPENSATED, now, "VALIDATE: vGPU " + saga.vgpuUuid() + " is not migratable: the source has "
                    + "no migration_version and NVML gave no migration metadata");
        }
        CandidateFilter.Selection selection = filter.select(saga.sourceHostId(), saga.sourceGpuUuid(), saga.typeId(),
                saga.requestedTargetHostId(), fleet, now);
        MigrationSaga checked = saga.toBuilder().candidates(selection.candidates()).rejections(selection.rejections())
                .build();
        if (selection.candidates().isEmpty()) {
            return end(checked, COMPENSATED, now, "no target passes the migration policy ("
                    + selection.rejections().size() + " rejected)");
        }
        return advance(checked, CHECK_COMPATIBILITY, now, "asking " + selection.candidates().size() + " of "
                + selection.passed() + " targets that pass the policy whether they can take the vGPU");
    }

    private Transition onCheckReply(MigrationSaga saga, CommandReply reply, Fleet fleet, Instant now) {
        List<TargetCandidate> candidates = new ArrayList<>();
        List<CandidateRejection> rejections = new ArrayList<>(saga.rejections());
        String note = null;
        for (TargetCandidate candidate : saga.candidates()) {
            boolean answered = candidate.compatibility() == Compatibility.UNCHECKED
                    && reply.commandId().equals(CommandIds.check(saga.migrationId(), candidate.hostId(), candidate.pciBdf()));
            if (!answered) {
                candidates.add(candidate);
                continue;
            }
            CompatibilityVerdict verdict = CompatibilityVerdict.of(reply);
            if (verdict.compatible()) {
                candidates.add(candidate.with(Compatibility.COMPATIBLE));
                note = candidate.gpuUuid() + " on " + candidate.hostId() + " is compatible: " + verdict.detail();
            } else {
                rejections.add(new CandidateRejection(candidate.hostId(), candidate.gpuUuid(), verdict.reason(),
                        verdict.detail()));
                note = candidate.gpuUuid() + " on " + candidate.hostId() + " rejected: " + verdict.reason() + " ("
                        + verdict.detail() + ")";
            }
        }
        if (note == null) {
            return Transition.unchanged(saga);
        }
        MigrationSaga next = saga.toBuilder().candidates(candidates).rejections(rejections).updatedAt(now).build();
        if (candidates.stream().anyMatch(c -> c.compatibility() == Compatibility.UNCHECKED)) {
            return new Transition(next, List.of(), note);
        }
        return afterChecks(next, fleet, now, note);
    }

    private Transition afterChecks(MigrationSaga saga, Fleet fleet, Instant now, String note) {
        if (saga.candidates().isEmpty()) {
            return end(saga, COMPENSATED, now, "no compatible target: " + note);
        }
        MigrationSaga claiming = enter(saga, CLAIM_TARGET, now, "claiming a compatible target");
        return chooseAndClaim(claiming, fleet, now, note);
    }

    /** CLAIM_TARGET: the best compatible candidate whose host is below its inbound limit. */
    private Transition chooseAndClaim(MigrationSaga saga, Fleet fleet, Instant now, @Nullable String note) {
        if (saga.candidates().isEmpty()) {
            return compensate(saga, now, "no compatible target could be claimed");
        }
        Optional<TargetCandidate> free = saga.candidates().stream()
                .filter(candidate -> fleet.migrationsInto(candidate.hostId()) < inboundLimit)
                .findFirst();
        if (free.isEmpty()) {
            MigrationSaga waiting = saga.toBuilder().updatedAt(now)
                    .reason("every compatible target host is at its limit of inbound migrations; waiting").build();
            return new Transition(waiting, List.of(), note == null ? null : note + "; waiting for a target slot");
        }
        TargetCandidate target = free.get();
        MigrationSaga claiming = saga.toBuilder()
                .claimId(CommandIds.claim(saga.migrationId(), target.hostId(), target.gpuUuid()))
                .target(target.hostId(), target.gpuUuid(), target.pciBdf()).updatedAt(now).build();
        String said = "claiming " + target.gpuUuid() + " on " + target.hostId();
        return new Transition(claiming, effects(claiming, now), note == null ? said : note + "; " + said);
    }

    private Transition onPrepareReply(MigrationSaga saga, CommandReply reply, Instant now) {
        boolean ours = reply instanceof CommandFailed failed && "EEXIST".equals(failed.errorCode());
        if (reply instanceof CommandSucceeded || ours) {
            return advance(saga, MIGRATE, now, "target vGPU " + saga.targetVgpuUuid() + " ready on " + saga.targetHostId()
                    + "; migrating VM " + saga.vmId());
        }
        return compensate(saga, now, "PREPARE_TARGET failed on " + saga.targetHostId() + ": " + words(reply));
    }

    private Transition onMigrateReply(MigrationSaga saga, CommandReply reply, Fleet fleet, Instant now) {
        if (reply instanceof CommandSucceeded) {
            MigrationSaga verifying = enter(saga, VERIFY, now, "waiting for the target's snapshot");
            Optional<HostSnapshot> target = fleet.host(String.valueOf(saga.targetHostId()));
            if (target.isPresent() && holdsTarget(saga, target.get())) {
                return advance(verifying, CLEANUP_SOURCE, now, "the target's snapshot shows the VM; removing the source vGPU");
            }
            return new Transition(verifying, List.of(), "the source agent migrated VM " + saga.vmId() + " to "
                    + saga.targetHostId() + "; waiting for the target's snapshot");
        }
        Optional<HostSnapshot> target = fleet.host(String.valueOf(saga.targetHostId()));
        if (target.isPresent() && holdsTarget(saga, target.get())) {
            // an agent that restarted forgets its outcomes: a repeated MigrateVm fails, yet the VM is there
            return advance(saga, CLEANUP_SOURCE, now, "MIGRATE answered " + words(reply)
                    + ", but the target's snapshot shows the VM there; removing the source vGPU");
        }
        return compensate(saga, now, "MIGRATE failed, VM " + saga.vmId() + " stays on " + saga.sourceHostId() + ": "
                + words(reply));
    }

    private Transition onCleanupReply(MigrationSaga saga, CommandReply reply, Instant now) {
        if (reply instanceof CommandSucceeded || gone(reply)) {
            return end(saga, COMPLETED, now, "VM " + saga.vmId() + " runs on " + saga.targetHostId() + " with vGPU "
                    + saga.targetVgpuUuid() + "; source vGPU removed");
        }
        return end(saga, FAILED, now, "CLEANUP_SOURCE: the VM runs on " + saga.targetHostId() + " but source vGPU "
                + saga.vgpuUuid() + " could not be removed from " + saga.sourceHostId() + ": " + words(reply));
    }

    // ------------------------------------------------------------------ compensation

    /** Starts the compensations of the steps done so far, last first. */
    private Transition compensate(MigrationSaga saga, Instant now, String reason) {
        List<Compensation> undo = new ArrayList<>();
        MigrationStep step = saga.step();
        if (step == PREPARE_TARGET || step == MIGRATE) {
            undo.add(Compensation.REMOVE_TARGET_VGPU);
        }
        if (saga.claimId() != null && (step == CLAIM_TARGET || step == PREPARE_TARGET || step == MIGRATE)) {
            undo.add(Compensation.RELEASE_CLAIM);
        }
        if (undo.isEmpty()) {
            return end(saga, COMPENSATED, now, reason);
        }
        MigrationSaga compensating = saga.toBuilder().step(COMPENSATING).attempt(0).stepStartedAt(now).updatedAt(now)
                .compensations(undo).reason(reason).build();
        return new Transition(compensating, effects(compensating, now), "compensating (" + undo + "): " + reason);
    }

    private Transition onUndoPrepareReply(MigrationSaga saga, CommandReply reply, Fleet fleet, Instant now) {
        if (reply instanceof CommandSucceeded || gone(reply)) {
            return nextCompensation(saga, now, "removed target vGPU " + saga.targetVgpuUuid() + " from " + saga.targetHostId());
        }
        return end(saga, FAILED, now, saga.reason() + "; then the target vGPU " + saga.targetVgpuUuid()
                + " could not be removed from " + saga.targetHostId() + ": " + words(reply));
    }

    private Transition nextCompensation(MigrationSaga saga, Instant now, String done) {
        List<Compensation> left = saga.compensations().subList(1, saga.compensations().size());
        if (left.isEmpty()) {
            MigrationSaga ended = saga.toBuilder().compensations(List.of()).build();
            return end(ended, COMPENSATED, now, saga.reason() + " (compensated: " + done + ")");
        }
        MigrationSaga next = saga.toBuilder().compensations(List.copyOf(left)).attempt(0).stepStartedAt(now)
                .updatedAt(now).build();
        return new Transition(next, effects(next, now), done);
    }

    // ------------------------------------------------------------------ timeouts

    private Transition timedOut(MigrationSaga saga, Fleet fleet, Instant now) {
        String waited = saga.step() + " had no answer after " + settings.attempts() + " attempts of "
                + settings.timeout(saga.step()).toMillis() + " ms";
        switch (saga.step()) {
            case CHECK_COMPATIBILITY -> {
                List<CandidateRejection> rejections = new ArrayList<>(saga.rejections());
                saga.candidates().stream().filter(c -> c.compatibility() == Compatibility.UNCHECKED)
                        .forEach(c -> rejections.add(new CandidateRejection(c.hostId(), c.gpuUuid(), "NO_ANSWER",
                                "the target's agent did not answer CheckMigrationCompatibility")));
                List<TargetCandidate> compatible = saga.candidates().stream()
                        .filter(c -> c.compatibility() == Compatibility.COMPATIBLE).toList();
                return afterChecks(saga.toBuilder().candidates(compatible).rejections(rejections).build(), fleet, now,
                        waited);
            }
            case MIGRATE -> {
                Optional<HostSnapshot> target = fleet.host(String.valueOf(saga.targetHostId()));
                if (target.isPresent() && holdsTarget(saga, target.get())) {
                    return advance(saga, CLEANUP_SOURCE, now, waited + ", but the target's snapshot shows the VM there");
                }
                Optional<HostSnapshot> source = fleet.host(saga.sourceHostId());
                boolean onSource = source.isPresent() && source.get().vgpus().stream()
                        .anyMatch(v -> v.uuid().equals(saga.vgpuUuid()) && saga.vmId().equals(v.vmId()));
                if (onSource) {
                    return compensate(saga, now, waited + "; the source's snapshot still shows the VM there");
                }
                return end(saga, FAILED, now, waited + "; neither host's snapshot shows where VM " + saga.vmId() + " is");
            }
            case VERIFY -> {
                return end(saga, FAILED, now, "VERIFY: the snapshot of " + saga.targetHostId() + " did not show vGPU "
                        + saga.targetVgpuUuid() + " held by VM " + saga.vmId() + " within "
                        + settings.timeout(VERIFY).toMillis() * settings.attempts() + " ms");
            }
            case CLEANUP_SOURCE -> {
                Optional<HostSnapshot> source = fleet.host(saga.sourceHostId());
                if (source.isPresent() && source.get().vgpus().stream().noneMatch(v -> v.uuid().equals(saga.vgpuUuid()))) {
                    return end(saga, COMPLETED, now, "VM " + saga.vmId() + " runs on " + saga.targetHostId()
                            + "; the source's snapshot no longer shows its old vGPU");
                }
                return end(saga, FAILED, now, "CLEANUP_SOURCE: " + waited + "; source vGPU " + saga.vgpuUuid()
                        + " may be left on " + saga.sourceHostId());
            }
            case COMPENSATING -> {
                if (head(saga) == Compensation.RELEASE_CLAIM) {
                    return nextCompensation(saga, now, "claim " + saga.claimId() + " not released (" + waited
                            + "); it expires by its TTL");
                }
                return end(saga, FAILED, now, saga.reason() + "; then " + waited + " removing target vGPU "
                        + saga.targetVgpuUuid() + " from " + saga.targetHostId());
            }
            default -> {
                return compensate(saga, now, waited);
            }
        }
    }

    // ------------------------------------------------------------------ effects per step

    /** The effects of the saga's current step; the same ids every time. */
    List<SagaEffect> effects(MigrationSaga saga, Instant now) {
        Instant notAfter = now.plus(settings.commandLifetime());
        String id = saga.migrationId();
        return switch (saga.step()) {
            case CHECK_COMPATIBILITY -> saga.candidates().stream()
                    .filter(candidate -> candidate.compatibility() == Compatibility.UNCHECKED)
                    .<SagaEffect>map(candidate -> new SagaEffect.SendCommand(new CheckMigrationCompatibility(
                            CommandIds.check(id, candidate.hostId(), candidate.pciBdf()), candidate.hostId(), now, notAfter,
                            candidate.pciBdf(), saga.typeId(), saga.migrationVersion(), saga.nvmlMetadataBase64())))
                    .toList();
            case CLAIM_TARGET -> saga.claimId() == null ? List.of()
                    : List.of(new SagaEffect.RequestClaim(saga.claimId(), id, saga.vmId(), saga.typeId(),
                            String.valueOf(saga.targetHostId()), String.valueOf(saga.targetGpuUuid()),
                            String.valueOf(saga.targetPciBdf()), saga.targetVgpuUuid(), settings.claimTtl()));
            case PREPARE_TARGET -> List.of(new SagaEffect.SendCommand(new PrepareMigrationTarget(
                    CommandIds.of(id, CommandIds.PREPARE), String.valueOf(saga.targetHostId()), now, notAfter,
                    String.valueOf(saga.targetPciBdf()), saga.typeId(), saga.targetVgpuUuid(), saga.vmId())));
            case MIGRATE -> List.of(new SagaEffect.SendCommand(new MigrateVm(CommandIds.of(id, CommandIds.MIGRATE),
                    saga.sourceHostId(), now, notAfter, saga.vmId(), saga.vgpuUuid(), String.valueOf(saga.targetHostId()),
                    saga.targetVgpuUuid())));
            case CLEANUP_SOURCE -> List.of(new SagaEffect.SendCommand(new RemoveVgpu(CommandIds.of(id, CommandIds.CLEANUP),
                    saga.sourceHostId(), now, notAfter, saga.vgpuUuid())));
            case COMPENSATING -> switch (head(saga)) {
                case REMOVE_TARGET_VGPU -> List.of(new SagaEffect.SendCommand(new RemoveVgpu(
                        CommandIds.of(id, CommandIds.UNDO_PREPARE), String.valueOf(saga.targetHostId()), now, notAfter,
                        saga.targetVgpuUuid())));
                case RELEASE_CLAIM -> List.of(new SagaEffect.ReleaseClaim(String.valueOf(saga.claimId()), id));
            };
            default -> List.of();
        };
    }

    // ------------------------------------------------------------------ helpers

    private static Compensation head(MigrationSaga saga) {
        return saga.compensations().isEmpty() ? Compensation.RELEASE_CLAIM : saga.compensations().get(0);
    }

    private static boolean holdsTarget(MigrationSaga saga, HostSnapshot snapshot) {
        return snapshot.vgpus().stream()
                .anyMatch(v -> v.uuid().equals(saga.targetVgpuUuid()) && saga.vmId().equals(v.vmId()));
    }

    /** A RemoveVgpu refused because the vGPU is not there: what it was to achieve is true. */
    private static boolean gone(CommandReply reply) {
        return reply instanceof CommandRejected rejected && rejected.reasons().stream().anyMatch(r -> r.startsWith("no vGPU"));
    }

    private static String words(CommandReply reply) {
        if (reply instanceof CommandFailed failed) {
            return failed.errorCode() + " " + failed.message();
        }
        if (reply instanceof CommandRejected rejected) {
            return "rejected: " + String.join("; ", rejected.reasons());
        }
        return "succeeded";
    }

    private static MigrationSaga enter(MigrationSaga saga, MigrationStep step, Instant now, String reason) {
        return saga.toBuilder().step(step).attempt(0).stepStartedAt(now).updatedAt(now).reason(reason).build();
    }

    private Transition advance(MigrationSaga saga, MigrationStep step, Instant now, String progress) {
        MigrationSaga next = enter(saga, step, now, progress);
        return new Transition(next, effects(next, now), progress);
    }

    private static Transition end(MigrationSaga saga, MigrationStep outcome, Instant now, String reason) {
        MigrationSaga ended = saga.toBuilder().step(outcome).attempt(0).stepStartedAt(now).updatedAt(now)
                .compensations(List.of()).reason(reason).build();
        return new Transition(ended, List.of(), reason);
    }
}
