package io.vgpufleet.migration.sagas;

import static io.vgpufleet.migration.FleetFixtures.SOURCE_VGPU;
import static io.vgpufleet.migration.FleetFixtures.T0;
import static io.vgpufleet.migration.FleetFixtures.VM;
import static io.vgpufleet.migration.FleetFixtures.gpuOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.migration.CandidateRejection;
import io.vgpufleet.contracts.migration.Compensation;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.migration.FleetFixtures;
import io.vgpufleet.migration.FleetFixtures.TestFleet;
import io.vgpufleet.migration.compatibility.CandidateFilter;
import io.vgpufleet.migration.compatibility.MigrationPolicy;
import io.vgpufleet.migration.downtime.DowntimeEstimate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every transition, timeout and compensation of the saga, as pure functions. */
class SagaStepsTest {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final String MIGRATION = "mig-0001";

    /**
     * The two targets in the order the source's migrations rank them (equal hosts rank in an order of the
     * source pGPU's own, so that concurrent migrations spread).
     */
    private static final String FIRST = firstOf("tgt-a", "tgt-b");
    private static final String SECOND = FIRST.equals("tgt-a") ? "tgt-b" : "tgt-a";

    private static String firstOf(String one, String other) {
        return CandidateFilter.spread(gpuOf("src"), one) <= CandidateFilter.spread(gpuOf("src"), other) ? one : other;
    }

    private final SagaSteps steps = new SagaSteps(SagaSettings.uniform(STEP, Duration.ofSeconds(30), 3),
            new CandidateFilter(MigrationPolicy.DEFAULT), 2);
    private TestFleet fleet;
    private Instant now;

    @BeforeEach
    void fleetOfOneSourceAndTwoTargets() {
        fleet = new TestFleet().with(FleetFixtures.source("src"), FleetFixtures.target(FIRST),
                FleetFixtures.target(SECOND));
        now = T0;
    }

    // ------------------------------------------------------------------ the way through

    @Test
    void runsEveryStepInOrderToCompletedWithDeterministicCommandIds() {
        MigrationSaga saga = queued();

        Transition admitted = steps.admit(saga, fleet, now);
        assertThat(admitted.saga().step()).isEqualTo(MigrationStep.CHECK_COMPATIBILITY);
        assertThat(commands(admitted)).hasSize(2).allSatisfy(command -> assertThat(command)
                .isInstanceOfSatisfying(CheckMigrationCompatibility.class, check -> {
                    assertThat(check.migrationVersion()).isEqualTo(FleetFixtures.VERSION);
                    assertThat(check.vgpuMetadataBase64()).isEqualTo("c2ltLW1ldGE=");
                    assertThat(check.commandId()).startsWith(MIGRATION + ".check.");
                }));

        MigrationSaga claiming = compatibleEverywhere(admitted.saga());
        assertThat(claiming.step()).isEqualTo(MigrationStep.CLAIM_TARGET);
        assertThat(claiming.claimId()).isEqualTo(CommandIds.claim(MIGRATION, FIRST, gpuOf(FIRST)));

        Transition granted = steps.onClaim(claiming, grant(claiming, FIRST), fleet, now);
        assertThat(granted.saga().step()).isEqualTo(MigrationStep.PREPARE_TARGET);
        PrepareMigrationTarget prepare = (PrepareMigrationTarget) commands(granted).get(0);
        assertThat(prepare.commandId()).isEqualTo(MIGRATION + ".prepare");
        assertThat(prepare.hostId()).isEqualTo(FIRST);
        assertThat(prepare.vgpuUuid()).isEqualTo(CommandIds.targetVgpuUuid(MIGRATION));
        assertThat(prepare.vmId()).isEqualTo(VM);

        Transition migrating = steps.onReply(granted.saga(), succeeded(prepare), fleet, now);
        assertThat(migrating.saga().step()).isEqualTo(MigrationStep.MIGRATE);
        MigrateVm migrate = (MigrateVm) commands(migrating).get(0);
        assertThat(migrate.commandId()).isEqualTo(MIGRATION + ".migrate");
        assertThat(migrate.hostId()).isEqualTo("src");
        assertThat(migrate.targetVgpuUuid()).isEqualTo(prepare.vgpuUuid());

        Transition verifying = steps.onReply(migrating.saga(), succeeded(migrate), fleet, now);
        assertThat(verifying.saga().step()).isEqualTo(MigrationStep.VERIFY);
        assertThat(verifying.effects()).isEmpty();

        Transition otherHost = steps.onSnapshot(verifying.saga(), FleetFixtures.holding(SECOND, prepare.vgpuUuid(), VM), now);
        assertThat(otherHost.saga()).isEqualTo(verifying.saga());
        Transition wrongVm = steps.onSnapshot(verifying.saga(), FleetFixtures.holding(FIRST, prepare.vgpuUuid(), "vm-8"), now);
        assertThat(wrongVm.saga()).isEqualTo(verifying.saga());

        Transition cleaning = steps.onSnapshot(verifying.saga(), FleetFixtures.holding(FIRST, prepare.vgpuUuid(), VM), now);
        assertThat(cleaning.saga().step()).isEqualTo(MigrationStep.CLEANUP_SOURCE);
        RemoveVgpu cleanup = (RemoveVgpu) commands(cleaning).get(0);
        assertThat(cleanup.commandId()).isEqualTo(MIGRATION + ".cleanup");
        assertThat(cleanup.hostId()).isEqualTo("src");
        assertThat(cleanup.vgpuUuid()).isEqualTo(SOURCE_VGPU);

        Transition done = steps.onReply(cleaning.saga(), succeeded(cleanup), fleet, now);
        assertThat(done.saga().step()).isEqualTo(MigrationStep.COMPLETED);
        assertThat(done.effects()).isEmpty();
        assertThat(done.progress()).contains("runs on " + FIRST);
    }

    @Test
    void theVerifyStepPassesAtOnceWhenTheTargetsSnapshotAlreadyShowsTheVm() {
        MigrationSaga migrating = throughTo(MigrationStep.MIGRATE);
        fleet.with(FleetFixtures.holding(FIRST, migrating.targetVgpuUuid(), VM));

        Transition next = steps.onReply(migrating, succeeded(migrateOf(migrating)), fleet, now);

        assertThat(next.saga().step()).isEqualTo(MigrationStep.CLEANUP_SOURCE);
    }

    @Test
    void aCleanupRefusedBecauseTheSourceVgpuIsGoneStillCompletes() {
        MigrationSaga cleaning = throughTo(MigrationStep.CLEANUP_SOURCE);
        CommandReply gone = new CommandRejected(MIGRATION + ".cleanup", "src", "vgpu.agent.remove-vgpu.v1", now,
                List.of("no vGPU " + SOURCE_VGPU + " on host src"));

        assertThat(steps.onReply(cleaning, gone, fleet, now).saga().step()).isEqualTo(MigrationStep.COMPLETED);
    }

    @Test
    void aCleanupTheSourceRefusesEndsFailedNamingTheVgpuLeftBehind() {
        MigrationSaga cleaning = throughTo(MigrationStep.CLEANUP_SOURCE);
        CommandReply busy = new CommandFailed(MIGRATION + ".cleanup", "src", "vgpu.agent.remove-vgpu.v1", now, "EBUSY",
                "device busy");

        Transition failed = steps.onReply(cleaning, busy, fleet, now);

        assertThat(failed.saga().step()).isEqualTo(MigrationStep.FAILED);
        assertThat(failed.saga().reason()).contains(SOURCE_VGPU, "EBUSY");
    }

    // ------------------------------------------------------------------ compatibility

    @Test
    void targetsWithAnotherMigrationVersionOrAnNvmlLimitAreNeverChosenAndTheirReasonsKept() {
        Transition admitted = steps.admit(queued(), fleet, now);
        MigrationSaga saga = admitted.saga();
        CommandReply versionRefused = new CommandSucceeded(checkIdOf(saga, FIRST), FIRST,
                "vgpu.agent.check-migration-compatibility.v1", now, Map.of("compatible", "false", "limit", "EINVAL",
                        "reason", "migration_version refused"));
        CommandReply nvmlLimited = new CommandSucceeded(checkIdOf(saga, SECOND), SECOND,
                "vgpu.agent.check-migration-compatibility.v1", now, Map.of("compatible", "false", "limit",
                        "HOST_DRIVER", "migrationKinds", "COLD", "decidedBy", "nvml", "reason", "limited by HOST_DRIVER"));

        Transition one = steps.onReply(saga, versionRefused, fleet, now);
        assertThat(one.saga().step()).isEqualTo(MigrationStep.CHECK_COMPATIBILITY);
        Transition both = steps.onReply(one.saga(), nvmlLimited, fleet, now);

        assertThat(both.saga().step()).isEqualTo(MigrationStep.COMPENSATED);
        assertThat(both.saga().claimId()).isNull();
        assertThat(both.effects()).isEmpty();
        assertThat(both.saga().rejections()).extracting(CandidateRejection::hostId, CandidateRejection::reason)
                .contains(org.assertj.core.groups.Tuple.tuple(FIRST, "MIGRATION_VERSION"),
                        org.assertj.core.groups.Tuple.tuple(SECOND, "NVML_LIMIT"));
        assertThat(both.saga().reason()).startsWith("no compatible target");
    }

    @Test
    void onlyStatesWithEffectsOrANewStepAreDurableSoAnAnswerWhileOthersAreOutstandingIsNot() {
        MigrationSaga queued = queued();
        Transition admitted = steps.admit(queued, fleet, now);
        Transition first = steps.onReply(admitted.saga(), compatible(admitted.saga(), FIRST), fleet, now);
        Transition second = steps.onReply(first.saga(), compatible(first.saga(), SECOND), fleet, now);

        assertThat(admitted.durable(queued)).as("checks sent").isTrue();
        assertThat(first.changed(admitted.saga())).isTrue();
        assertThat(first.durable(admitted.saga())).as("tgt-b has not answered: no effect yet").isFalse();
        assertThat(second.saga().step()).isEqualTo(MigrationStep.CLAIM_TARGET);
        assertThat(second.durable(first.saga())).as("the claim is asked for").isTrue();
        now = now.plusMillis(200);
        assertThat(steps.onTick(second.saga(), fleet, now).durable(second.saga())).as("a tick within the timeout")
                .isFalse();
    }

    @Test
    void aCompatibleReplyWithoutTheLiveBitIsAnNvmlLimit() {
        MigrationSaga saga = steps.admit(queued(), fleet, now).saga();
        CommandReply coldOnly = new CommandSucceeded(checkIdOf(saga, FIRST), FIRST,
                "vgpu.agent.check-migration-compatibility.v1", now, Map.of("compatible", "true", "migrationKinds",
                        "COLD", "limit", "GPU"));

        MigrationSaga next = steps.onReply(saga, coldOnly, fleet, now).saga();

        assertThat(next.rejections()).anySatisfy(r -> {
            assertThat(r.hostId()).isEqualTo(FIRST);
            assertThat(r.reason()).isEqualTo("NVML_LIMIT");
        });
        assertThat(next.candidates()).extracting(c -> c.hostId()).containsExactly(SECOND);
    }

    @Test
    void onlyTheCompatibleTargetIsClaimed() {
        MigrationSaga saga = steps.admit(queued(), fleet, now).saga();
        MigrationSaga one = steps.onReply(saga, compatible(saga, SECOND), fleet, now).saga();
        Transition claim = steps.onReply(one, incompatible(one, FIRST), fleet, now);

        assertThat(claim.saga().step()).isEqualTo(MigrationStep.CLAIM_TARGET);
        assertThat(claim.effects()).singleElement().isInstanceOfSatisfying(SagaEffect.RequestClaim.class,
                request -> assertThat(request.hostId()).isEqualTo(SECOND));
    }

    @Test
    void checksThatGetNoAnswerAreResentUnderTheSameIdsThenCountedAsNoAnswer() {
        MigrationSaga saga = steps.admit(queued(), fleet, now).saga();
        MigrationSaga one = steps.onReply(saga, compatible(saga, FIRST), fleet, now).saga();

        Transition resent = steps.onTick(one, fleet, now.plus(STEP));
        assertThat(resent.saga().attempt()).isEqualTo(1);
        assertThat(commands(resent)).extracting(AgentCommand::commandId).containsExactly(checkIdOf(saga, SECOND));

        Transition early = steps.onTick(resent.saga(), fleet, now.plus(STEP).plusSeconds(5));
        assertThat(early.saga()).isEqualTo(resent.saga());

        MigrationSaga third = steps.onTick(resent.saga(), fleet, now.plus(STEP.multipliedBy(2))).saga();
        Transition given = steps.onTick(third, fleet, now.plus(STEP.multipliedBy(3)));

        assertThat(given.saga().step()).isEqualTo(MigrationStep.CLAIM_TARGET);
        assertThat(given.saga().targetHostId()).isEqualTo(FIRST);
        assertThat(given.saga().rejections()).anySatisfy(r -> assertThat(r.reason()).isEqualTo("NO_ANSWER"));
    }

    /**
     * MigrationSystemIT's drain failed in CI (issue 8): a host another suite had killed left its last snapshot
     * on the compacted topic; its pGPUs, all free, ranked first (as "gone", before FIRST, ranks here); every migration sent it checks that nobody
     * answered and waited out every attempt of CHECK_COMPATIBILITY while the live agents had answered.
     */
    @Test
    void aHostWhoseAgentStoppedReportingIsNeverAskedSoTheChecksEndWithTheLiveAgentsAnswers() {
        now = T0.plusSeconds(300);
        fleet = new TestFleet().with(FleetFixtures.observedAt(FleetFixtures.source("src"), now),
                FleetFixtures.observedAt(FleetFixtures.target(FIRST), now.minusSeconds(5)),
                FleetFixtures.target("gone"));

        Transition admitted = steps.admit(queued(), fleet, now);

        assertThat(commands(admitted)).extracting(AgentCommand::hostId).containsExactly(FIRST);
        assertThat(admitted.saga().rejections()).anySatisfy(r -> {
            assertThat(r.hostId()).isEqualTo("gone");
            assertThat(r.reason()).isEqualTo("HOST_STALE");
        });
        Transition answered = steps.onReply(admitted.saga(), compatible(admitted.saga(), FIRST), fleet, now);
        assertThat(answered.saga().step()).isEqualTo(MigrationStep.CLAIM_TARGET);
        assertThat(answered.saga().targetHostId()).isEqualTo(FIRST);
    }

    // ------------------------------------------------------------------ validation

    @Test
    void aVgpuNotHeldByTheVmFailsValidation() {
        MigrationSaga saga = queued();
        fleet.with(FleetFixtures.holding("src", SOURCE_VGPU, "vm-other"));

        Transition t = steps.admit(saga, fleet, now);

        assertThat(t.saga().step()).isEqualTo(MigrationStep.FAILED);
        assertThat(t.saga().reason()).contains("not held by VM vm-7", "VM vm-other does");
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void aVgpuWithoutMigrationVersionOrNvmlMetadataIsNotMigratable() {
        MigrationSaga saga = new MigrationSaga(MIGRATION, null, false, VM, SOURCE_VGPU, FleetFixtures.TYPE, "src",
                gpuOf("src"), null, null, null, 8192, 1000, MigrationStep.QUEUED, 0, now, null, now, now, List.of(),
                List.of(), null, null, null, null, CommandIds.targetVgpuUuid(MIGRATION), List.of(), "queued");

        Transition t = steps.admit(saga, fleet, now);

        assertThat(t.saga().step()).isEqualTo(MigrationStep.COMPENSATED);
        assertThat(t.saga().reason()).contains("not migratable");
    }

    @Test
    void noTargetPassingThePolicyEndsCompensatedWithEveryRejection() {
        fleet.unhealthy.add(gpuOf(FIRST));
        fleet.with(FleetFixtures.host(SECOND, 1, "550.90.05", io.vgpufleet.contracts.host.EccMode.ON, "Tesla P4",
                io.vgpufleet.contracts.host.HostKind.MDEV, List.of()));

        Transition t = steps.admit(queued(), fleet, now);

        assertThat(t.saga().step()).isEqualTo(MigrationStep.COMPENSATED);
        assertThat(t.saga().rejections()).extracting(CandidateRejection::reason).containsExactlyInAnyOrder("UNHEALTHY",
                "ECC_MODE");
    }

    // ------------------------------------------------------------------ claims

    @Test
    void aRefusedClaimMovesOnToTheNextCompatibleTarget() {
        MigrationSaga claiming = compatibleEverywhere(steps.admit(queued(), fleet, now).saga());

        Transition next = steps.onClaim(claiming, new ClaimAnswer.Refused(claiming.claimId(), "NO_CAPACITY"), fleet, now);

        assertThat(next.saga().step()).isEqualTo(MigrationStep.CLAIM_TARGET);
        assertThat(next.saga().targetHostId()).isEqualTo(SECOND);
        assertThat(next.saga().claimId()).isEqualTo(CommandIds.claim(MIGRATION, SECOND, gpuOf(SECOND)));
        assertThat(next.saga().rejections()).anySatisfy(r -> {
            assertThat(r.reason()).isEqualTo("CLAIM_REFUSED");
            assertThat(r.detail()).isEqualTo("NO_CAPACITY");
        });
        Transition last = steps.onClaim(next.saga(), new ClaimAnswer.Refused(next.saga().claimId(), "CORDONED"), fleet, now);
        assertThat(last.saga().step()).isEqualTo(MigrationStep.COMPENSATED);
    }

    @Test
    void anAnswerToAnotherClaimIsIgnoredAndAnUnavailableInventoryIsAskedAgainOnTimeout() {
        MigrationSaga claiming = compatibleEverywhere(steps.admit(queued(), fleet, now).saga());

        assertThat(steps.onClaim(claiming, new ClaimAnswer.Granted("other", FIRST, gpuOf(FIRST), "0000:3b:00.0"),
                fleet, now).saga()).isEqualTo(claiming);
        MigrationSaga waiting = steps.onClaim(claiming, new ClaimAnswer.Unavailable(claiming.claimId(), "down"), fleet,
                now).saga();
        assertThat(waiting.step()).isEqualTo(MigrationStep.CLAIM_TARGET);

        Transition again = steps.onTick(waiting, fleet, now.plus(STEP));
        assertThat(again.effects()).singleElement().isInstanceOfSatisfying(SagaEffect.RequestClaim.class,
                request -> assertThat(request.claimId()).isEqualTo(claiming.claimId()));
    }

    @Test
    void aTargetHostAtItsInboundLimitIsPassedOverAndWhenAllAreTheSagaWaits() {
        fleet.inbound.put(FIRST, 2);
        MigrationSaga claiming = compatibleEverywhere(steps.admit(queued(), fleet, now).saga());
        assertThat(claiming.targetHostId()).isEqualTo(SECOND);

        fleet.inbound.put(SECOND, 2);
        MigrationSaga saga = steps.admit(queued(), fleet, now).saga();
        MigrationSaga waiting = compatibleEverywhere(saga);
        assertThat(waiting.step()).isEqualTo(MigrationStep.CLAIM_TARGET);
        assertThat(waiting.claimId()).isNull();

        fleet.inbound.put(SECOND, 1);
        Transition freed = steps.onTick(waiting, fleet, now.plusSeconds(1));
        assertThat(freed.saga().targetHostId()).isEqualTo(SECOND);
        assertThat(freed.effects()).hasSize(1);
    }

    @Test
    void aClaimThatTimesOutIsReleased() {
        MigrationSaga claiming = compatibleEverywhere(steps.admit(queued(), fleet, now).saga());
        MigrationSaga last = claiming.toBuilder().attempt(2).build();

        Transition t = steps.onTick(last, fleet, now.plus(STEP));

        assertThat(t.saga().step()).isEqualTo(MigrationStep.COMPENSATING);
        assertThat(t.saga().compensations()).containsExactly(Compensation.RELEASE_CLAIM);
        assertThat(t.effects()).singleElement().isInstanceOf(SagaEffect.ReleaseClaim.class);
        Transition released = steps.onClaim(t.saga(), new ClaimAnswer.Released(claiming.claimId()), fleet, now);
        assertThat(released.saga().step()).isEqualTo(MigrationStep.COMPENSATED);
    }

    // ------------------------------------------------------------------ compensation

    @Test
    void aFailedPrepareRemovesTheTargetVgpuThenReleasesTheClaim() {
        MigrationSaga preparing = throughTo(MigrationStep.PREPARE_TARGET);
        CommandReply noRoom = new CommandFailed(MIGRATION + ".prepare", FIRST, "vgpu.agent.prepare-migration-target.v1",
                now, "EUSERS", "no instance available");

        Transition compensating = steps.onReply(preparing, noRoom, fleet, now);
        assertThat(compensating.saga().step()).isEqualTo(MigrationStep.COMPENSATING);
        assertThat(compensating.saga().compensations()).containsExactly(Compensation.REMOVE_TARGET_VGPU,
                Compensation.RELEASE_CLAIM);
        RemoveVgpu undo = (RemoveVgpu) commands(compensating).get(0);
        assertThat(undo.commandId()).isEqualTo(MIGRATION + ".undo-prepare");
        assertThat(undo.hostId()).isEqualTo(FIRST);
        assertThat(undo.vgpuUuid()).isEqualTo(preparing.targetVgpuUuid());

        CommandReply nothingThere = new CommandRejected(undo.commandId(), FIRST, "vgpu.agent.remove-vgpu.v1", now,
                List.of("no vGPU " + undo.vgpuUuid() + " on host tgt-a"));
        Transition releasing = steps.onReply(compensating.saga(), nothingThere, fleet, now);
        assertThat(releasing.saga().compensations()).containsExactly(Compensation.RELEASE_CLAIM);
        assertThat(releasing.effects()).singleElement().isInstanceOfSatisfying(SagaEffect.ReleaseClaim.class,
                release -> assertThat(release.claimId()).isEqualTo(preparing.claimId()));

        Transition done = steps.onClaim(releasing.saga(), new ClaimAnswer.Released(preparing.claimId()), fleet, now);
        assertThat(done.saga().step()).isEqualTo(MigrationStep.COMPENSATED);
        assertThat(done.saga().reason()).contains("PREPARE_TARGET failed", "EUSERS");
    }

    @Test
    void aPrepareAnsweredEexistIsTheSagasOwnVgpuAndCountsAsDone() {
        MigrationSaga preparing = throughTo(MigrationStep.PREPARE_TARGET);
        CommandReply exists = new CommandFailed(MIGRATION + ".prepare", FIRST, "vgpu.agent.prepare-migration-target.v1",
                now, "EEXIST", "in use");

        assertThat(steps.onReply(preparing, exists, fleet, now).saga().step()).isEqualTo(MigrationStep.MIGRATE);
    }

    @Test
    void aFailedMigrationLeavesTheVmOnTheSourceAndUndoesThePreparation() {
        MigrationSaga migrating = throughTo(MigrationStep.MIGRATE);
        CommandReply refused = new CommandFailed(MIGRATION + ".migrate", "src", "vgpu.agent.migrate-vm.v1", now,
                "HYPERVISOR_ERROR", "migration aborted");

        Transition t = steps.onReply(migrating, refused, fleet, now);

        assertThat(t.saga().step()).isEqualTo(MigrationStep.COMPENSATING);
        assertThat(t.saga().compensations()).containsExactly(Compensation.REMOVE_TARGET_VGPU, Compensation.RELEASE_CLAIM);
        assertThat(t.saga().reason()).contains("stays on src");
    }

    @Test
    void aMigrateFailureAfterTheVmAlreadyMovedIsTakenFromTheTargetsSnapshot() {
        MigrationSaga migrating = throughTo(MigrationStep.MIGRATE);
        fleet.with(FleetFixtures.holding(FIRST, migrating.targetVgpuUuid(), VM));
        CommandReply forgot = new CommandFailed(MIGRATION + ".migrate", "src", "vgpu.agent.migrate-vm.v1", now,
                "HYPERVISOR_ERROR", "VM vm-7 does not hold vGPU");

        assertThat(steps.onReply(migrating, forgot, fleet, now).saga().step()).isEqualTo(MigrationStep.CLEANUP_SOURCE);
    }

    @Test
    void aTargetVgpuThatCannotBeRemovedEndsFailed() {
        MigrationSaga compensating = steps.onReply(throughTo(MigrationStep.PREPARE_TARGET), new CommandFailed(
                MIGRATION + ".prepare", FIRST, "t", now, "EUSERS", "full"), fleet, now).saga();

        Transition t = steps.onReply(compensating, new CommandFailed(MIGRATION + ".undo-prepare", FIRST, "t", now,
                "EBUSY", "busy"), fleet, now);

        assertThat(t.saga().step()).isEqualTo(MigrationStep.FAILED);
        assertThat(t.saga().reason()).contains("could not be removed", "EBUSY");
    }

    @Test
    void aReleaseThatNeverAnswersIsLeftToTheClaimsTtl() {
        MigrationSaga compensating = steps.onReply(throughTo(MigrationStep.PREPARE_TARGET), new CommandFailed(
                MIGRATION + ".prepare", FIRST, "t", now, "EUSERS", "full"), fleet, now).saga();
        MigrationSaga releasing = steps.onReply(compensating, succeeded(MIGRATION + ".undo-prepare", FIRST), fleet, now)
                .saga().toBuilder().attempt(2).build();

        Transition t = steps.onTick(releasing, fleet, now.plus(STEP));

        assertThat(t.saga().step()).isEqualTo(MigrationStep.COMPENSATED);
        assertThat(t.saga().reason()).contains("expires by its TTL");
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    void everyWaitingStepResendsTheSameCommandOnTimeoutAndCompensatesAfterTheLastAttempt() {
        MigrationSaga preparing = throughTo(MigrationStep.PREPARE_TARGET);

        Transition second = steps.onTick(preparing, fleet, now.plus(STEP));
        Transition third = steps.onTick(second.saga(), fleet, now.plus(STEP.multipliedBy(2)));
        Transition out = steps.onTick(third.saga(), fleet, now.plus(STEP.multipliedBy(3)));

        assertThat(commands(second)).extracting(AgentCommand::commandId).containsExactly(MIGRATION + ".prepare");
        assertThat(commands(third)).extracting(AgentCommand::commandId).containsExactly(MIGRATION + ".prepare");
        assertThat(out.saga().step()).isEqualTo(MigrationStep.COMPENSATING);
        assertThat(out.saga().compensations()).containsExactly(Compensation.REMOVE_TARGET_VGPU, Compensation.RELEASE_CLAIM);
    }

    @Test
    void aMigrateWithoutAnswerIsDecidedByTheSnapshotsOrEndsFailed() {
        MigrationSaga migrating = throughTo(MigrationStep.MIGRATE).toBuilder().attempt(2).build();

        Transition stillOnSource = steps.onTick(migrating, fleet, now.plus(STEP));
        assertThat(stillOnSource.saga().step()).isEqualTo(MigrationStep.COMPENSATING);

        fleet.with(FleetFixtures.host("src", 0, "550.90.05", io.vgpufleet.contracts.host.EccMode.OFF, "Tesla P4",
                io.vgpufleet.contracts.host.HostKind.MDEV, List.of()));
        Transition nowhere = steps.onTick(migrating, fleet, now.plus(STEP));
        assertThat(nowhere.saga().step()).isEqualTo(MigrationStep.FAILED);
        assertThat(nowhere.saga().reason()).contains("neither host's snapshot");

        fleet.with(FleetFixtures.holding(FIRST, migrating.targetVgpuUuid(), VM));
        assertThat(steps.onTick(migrating, fleet, now.plus(STEP)).saga().step()).isEqualTo(MigrationStep.CLEANUP_SOURCE);
    }

    @Test
    void aVerifyThatNeverSeesTheVmEndsFailed() {
        MigrationSaga verifying = throughTo(MigrationStep.VERIFY).toBuilder().attempt(2).build();

        Transition t = steps.onTick(verifying, fleet, now.plusSeconds(30));

        assertThat(t.saga().step()).isEqualTo(MigrationStep.FAILED);
        assertThat(t.saga().reason()).startsWith("VERIFY");
    }

    @Test
    void aCleanupWithoutAnswerCompletesWhenTheSourcesSnapshotNoLongerShowsTheVgpu() {
        MigrationSaga cleaning = throughTo(MigrationStep.CLEANUP_SOURCE).toBuilder().attempt(2).build();

        assertThat(steps.onTick(cleaning, fleet, now.plus(STEP)).saga().step()).isEqualTo(MigrationStep.FAILED);
        fleet.with(FleetFixtures.host("src", 1, "550.90.05", io.vgpufleet.contracts.host.EccMode.OFF, "Tesla P4",
                io.vgpufleet.contracts.host.HostKind.MDEV, List.of()));
        assertThat(steps.onTick(cleaning, fleet, now.plus(STEP)).saga().step()).isEqualTo(MigrationStep.COMPLETED);
    }

    @Test
    void queuedAndEndedSagasIgnoreTicksAndReplies() {
        MigrationSaga queued = queued();
        assertThat(steps.onTick(queued, fleet, now.plusSeconds(3600)).saga()).isEqualTo(queued);
        MigrationSaga done = throughTo(MigrationStep.CLEANUP_SOURCE);
        MigrationSaga completed = steps.onReply(done, succeeded(MIGRATION + ".cleanup", "src"), fleet, now).saga();
        assertThat(steps.onTick(completed, fleet, now.plusSeconds(3600)).saga()).isEqualTo(completed);
        assertThat(steps.onReply(completed, succeeded(MIGRATION + ".cleanup", "src"), fleet, now).saga()).isEqualTo(completed);
    }

    @Test
    void aReplyToAnEarlierStepIsIgnored() {
        MigrationSaga migrating = throughTo(MigrationStep.MIGRATE);

        Transition late = steps.onReply(migrating, succeeded(MIGRATION + ".prepare", FIRST), fleet, now);

        assertThat(late.saga()).isEqualTo(migrating);
        assertThat(late.effects()).isEmpty();
    }

    // ------------------------------------------------------------------ resume

    @Test
    void aResumedSagaSendsItsCurrentStepsCommandsAgainUnderTheSameIds() {
        for (MigrationStep step : List.of(MigrationStep.PREPARE_TARGET, MigrationStep.MIGRATE, MigrationStep.CLEANUP_SOURCE)) {
            MigrationSaga saga = throughTo(step);
            Transition entered = lastTransition;
            Transition resumed = steps.resume(saga, fleet, now.plusSeconds(60));
            assertThat(commands(resumed)).extracting(AgentCommand::commandId)
                    .isEqualTo(commands(entered).stream().map(AgentCommand::commandId).toList());
            assertThat(resumed.saga()).isEqualTo(saga);
        }
        MigrationSaga claiming = compatibleEverywhere(steps.admit(queued(), fleet, now).saga());
        assertThat(steps.resume(claiming, fleet, now).effects()).singleElement()
                .isInstanceOfSatisfying(SagaEffect.RequestClaim.class,
                        request -> assertThat(request.claimId()).isEqualTo(claiming.claimId()));
    }

    @Test
    void aResumedVerifyLooksAtTheTargetsLatestSnapshot() {
        MigrationSaga verifying = throughTo(MigrationStep.VERIFY);
        fleet.with(FleetFixtures.holding(FIRST, verifying.targetVgpuUuid(), VM));

        assertThat(steps.resume(verifying, fleet, now).saga().step()).isEqualTo(MigrationStep.CLEANUP_SOURCE);
    }

    @Test
    void everyCommandTheSagaSendsIsAValidContractRecordForItsTopic() {
        MigrationSaga saga = throughTo(MigrationStep.CLEANUP_SOURCE);
        assertThat(saga.estimatedDowntimeMillis()).isPositive();
        assertThat(EventTypes.of(RemoveVgpu.class).topic().name()).isEqualTo("vgpu.agent.commands.v1");
    }

    // ------------------------------------------------------------------ helpers

    private Transition lastTransition;

    private MigrationSaga queued() {
        return MigrationRequests.queued(MIGRATION, null, false, fleet.host("src").orElseThrow(),
                fleet.host("src").orElseThrow().vgpus().get(0), null, DowntimeEstimate.VSPHERE_10GBE, now);
    }

    private MigrationSaga compatibleEverywhere(MigrationSaga checking) {
        MigrationSaga saga = checking;
        for (String host : List.of(FIRST, SECOND)) {
            if (saga.step() == MigrationStep.CHECK_COMPATIBILITY) {
                saga = steps.onReply(saga, compatible(saga, host), fleet, now).saga();
            }
        }
        return saga;
    }

    private MigrationSaga throughTo(MigrationStep step) {
        MigrationSaga saga = compatibleEverywhere(steps.admit(queued(), fleet, now).saga());
        lastTransition = steps.onClaim(saga, grant(saga, FIRST), fleet, now);
        saga = lastTransition.saga();
        if (step == MigrationStep.PREPARE_TARGET) {
            return saga;
        }
        lastTransition = steps.onReply(saga, succeeded(MIGRATION + ".prepare", FIRST), fleet, now);
        saga = lastTransition.saga();
        if (step == MigrationStep.MIGRATE) {
            return saga;
        }
        lastTransition = steps.onReply(saga, succeeded(MIGRATION + ".migrate", "src"), fleet, now);
        saga = lastTransition.saga();
        if (step == MigrationStep.VERIFY) {
            return saga;
        }
        lastTransition = steps.onSnapshot(saga, FleetFixtures.holding(FIRST, saga.targetVgpuUuid(), VM), now);
        return lastTransition.saga();
    }

    private static MigrateVm migrateOf(MigrationSaga saga) {
        return new MigrateVm(MIGRATION + ".migrate", "src", T0, T0.plusSeconds(60), VM, SOURCE_VGPU, FIRST,
                saga.targetVgpuUuid());
    }

    private ClaimAnswer grant(MigrationSaga saga, String host) {
        return new ClaimAnswer.Granted(saga.claimId(), host, gpuOf(host), FleetFixtures.bdfOf(host));
    }

    private static String checkIdOf(MigrationSaga saga, String host) {
        return CommandIds.check(saga.migrationId(), host, FleetFixtures.bdfOf(host));
    }

    private CommandReply compatible(MigrationSaga saga, String host) {
        return new CommandSucceeded(checkIdOf(saga, host), host, "vgpu.agent.check-migration-compatibility.v1", now,
                Map.of("compatible", "true", "migrationKinds", "LIVE", "limit", "NONE", "reason", "accepted"));
    }

    private CommandReply incompatible(MigrationSaga saga, String host) {
        return new CommandSucceeded(checkIdOf(saga, host), host, "vgpu.agent.check-migration-compatibility.v1", now,
                Map.of("compatible", "false", "limit", "EINVAL", "reason", "refused"));
    }

    private CommandReply succeeded(AgentCommand command) {
        return succeeded(command.commandId(), command.hostId());
    }

    private CommandReply succeeded(String commandId, String host) {
        return new CommandSucceeded(commandId, host, "t", now, Map.of());
    }

    private static List<AgentCommand> commands(Transition transition) {
        return transition.effects().stream().filter(SagaEffect.SendCommand.class::isInstance)
                .map(effect -> ((SagaEffect.SendCommand) effect).command()).toList();
    }
}
