package io.vgpufleet.lifecycle.vgpus.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.ResumeVm;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VmRunState;
import io.vgpufleet.contracts.lifecycle.DeviceStatus;
import io.vgpufleet.contracts.lifecycle.OperationKind;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus.ClaimGranted;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus.ClaimItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class LifecycleMachineTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final String HOST = "sim-01";
    static final String VM = "vm-7";
    static final String GPU_A = "GPU-00000000-0000-4000-8000-00000000000a";
    static final String GPU_B = "GPU-00000000-0000-4000-8000-00000000000b";
    static final String BDF_A = "0000:1a:00.0";
    static final String BDF_B = "0000:1b:00.0";
    static final String UUID_1 = "11111111-1111-4111-8111-111111111111";
    static final String UUID_2 = "22222222-2222-4222-8222-222222222222";
    static final String CLAIM = "c1a1c1a1-0000-4000-8000-000000000001";
    static final String TYPE = "nvidia-289";

    final LifecyclePolicy policy = new LifecyclePolicy(Duration.ofSeconds(30), Duration.ofSeconds(2), 3,
            Duration.ofSeconds(20), 2, Duration.ofMinutes(10));
    final LifecycleMachine machine = new LifecycleMachine(policy);

    /** The request as the test drives it, with every event and action so far. */
    final class Run {
        VgpuRequest request;
        Instant now = T0;
        final List<VgpuStateChanged> events = new ArrayList<>();
        List<Action> lastActions = List.of();
        @Nullable String refused;

        Run(int count) {
            List<String> uuids = count == 1 ? List.of(UUID_1) : List.of(UUID_1, UUID_2);
            Decision decision = machine.start("req-1", "client-1", VM, VgpuSpec.ofType(TYPE, count, false,
                    Map.of("frame_rate_limiter", "0")), uuids, CLAIM, now);
            take(decision);
        }

        Run on(Stimulus stimulus) {
            take(machine.on(request, stimulus, now));
            return this;
        }

        Run at(Duration later) {
            now = T0.plus(later);
            return on(new Stimulus.Tick());
        }

        private void take(Decision decision) {
            request = decision.request();
            events.addAll(decision.events());
            lastActions = decision.actions();
            refused = decision.refused();
        }

        List<VgpuState> path() {
            return events.stream().map(VgpuStateChanged::current).toList();
        }

        <T extends AgentCommand> List<T> sent(Class<T> type) {
            return lastActions.stream().filter(Action.SendCommand.class::isInstance)
                    .map(action -> ((Action.SendCommand) action).command()).filter(type::isInstance).map(type::cast).toList();
        }

        Run granted() {
            List<ClaimItem> items = new ArrayList<>();
            items.add(new ClaimItem(GPU_A, BDF_A, TYPE, UUID_1, 0));
            if (request.devices().size() == 2) {
                items.add(new ClaimItem(GPU_B, BDF_B, TYPE, UUID_2, 1));
            }
            return on(new ClaimGranted(HOST, items));
        }

        Run succeeded(AgentCommand command) {
            return on(new Stimulus.Replied(new CommandSucceeded(command.commandId(), HOST, "t", now, Map.of())));
        }

        Run createdAll() {
            for (CreateVgpu create : sent(CreateVgpu.class)) {
                succeeded(create);
            }
            return this;
        }

        Run observed(List<Vgpu> vgpus) {
            return on(new Stimulus.HostObserved(snapshot(now, vgpus)));
        }
    }

    static HostSnapshot snapshot(Instant at, List<Vgpu> vgpus) {
        return new HostSnapshot(HOST, 1, at, "test", HostKind.MDEV, new VgpuManagerStatus(true, "550", List.of()),
                List.of(gpu(GPU_A, BDF_A, EccMode.ON), gpu(GPU_B, BDF_B, EccMode.OFF)), vgpus);
    }

    static PhysicalGpu gpu(String uuid, String bdf, EccMode ecc) {
        return new PhysicalGpu(uuid, bdf, "Tesla P4", 8192, 0, "0-7", ecc, HostKind.MDEV, false,
                new NvmlFacts(NvmlFacts.AVAILABLE, null, null), List.of(), List.of());
    }

    static Vgpu vgpu(String uuid, String gpu, @Nullable String vm, @Nullable VmRunState state) {
        return new Vgpu(uuid, gpu, TYPE, null, vm, Map.of(), null, state, null);
    }

    // ------------------------------------------------------------------ the happy path

    @Test
    void newRequestIsRequestedAndAsksForItsClaimWithItsVgpuUuids() {
        Run run = new Run(2);

        assertThat(run.path()).containsExactly(VgpuState.REQUESTED);
        assertThat(run.events.get(0).previous()).isNull();
        assertThat(run.lastActions).containsExactly(new Action.RequestClaim("req-1", CLAIM, VM, run.request.spec(),
                List.of(UUID_1, UUID_2)));
        assertThat(run.request.pending().kind()).isEqualTo(OperationKind.CLAIM);
    }

    @Test
    void grantedClaimPlacesAndSendsOneCreatePerVgpuOnTheClaimedPgpus() {
        Run run = new Run(2).granted();

        assertThat(run.path()).containsExactly(VgpuState.REQUESTED, VgpuState.PLACED, VgpuState.CREATING);
        assertThat(run.sent(CreateVgpu.class)).extracting(CreateVgpu::parentPciBdf, CreateVgpu::vgpuUuid, CreateVgpu::hostId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(BDF_A, UUID_1, HOST),
                        org.assertj.core.groups.Tuple.tuple(BDF_B, UUID_2, HOST));
        assertThat(run.sent(CreateVgpu.class)).allSatisfy(create -> {
            assertThat(create.params()).containsEntry("frame_rate_limiter", "0");
            assertThat(create.notAfter()).isEqualTo(T0.plus(policy.commandTimeout()));
        });
        assertThat(run.request.hostId()).isEqualTo(HOST);
        assertThat(run.events.get(2).vgpuUuids()).containsExactly(UUID_1, UUID_2);
    }

    @Test
    void createdOnlyOnceEveryVgpuIsConfirmed() {
        Run run = new Run(2).granted();
        List<CreateVgpu> creates = run.sent(CreateVgpu.class);

        run.succeeded(creates.get(0));
        assertThat(run.request.state()).isEqualTo(VgpuState.CREATING);
        run.succeeded(creates.get(1));

        assertThat(run.request.state()).isEqualTo(VgpuState.CREATED);
        assertThat(run.request.attachDeadline()).isEqualTo(T0.plus(policy.attachTimeout()));
    }

    @Test
    void aSnapshotShowingTheVgpusConfirmsCreationWhenTheReplyIsLost() {
        Run run = new Run(1).granted().observed(List.of(vgpu(UUID_1, GPU_A, null, null)));

        assertThat(run.request.state()).isEqualTo(VgpuState.CREATED);
        assertThat(run.request.devices().get(0).eccMode()).isEqualTo(EccMode.ON);
    }

    @Test
    void snapshotWithTheVmHoldingAndRunningTheVgpusMakesItAttachedThenRunning() {
        Run run = new Run(2).granted().createdAll();
        run.observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.SHUT_OFF), vgpu(UUID_2, GPU_B, VM, VmRunState.SHUT_OFF)));
        assertThat(run.request.state()).isEqualTo(VgpuState.ATTACHED);

        run.observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING), vgpu(UUID_2, GPU_B, VM, VmRunState.RUNNING)));

        assertThat(run.path()).containsExactly(VgpuState.REQUESTED, VgpuState.PLACED, VgpuState.CREATING,
                VgpuState.CREATED, VgpuState.ATTACHED, VgpuState.RUNNING);
        assertThat(run.request.attachDeadline()).isNull();
    }

    @Test
    void oneSnapshotCanTakeACreatingRequestAllTheWayToRunning() {
        Run run = new Run(1).granted().observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING)));

        assertThat(run.path()).endsWith(VgpuState.CREATED, VgpuState.ATTACHED, VgpuState.RUNNING);
    }

    @Test
    void aVmHoldingOnlyPartOfTheVgpusOrAnotherVmDoesNotAttach() {
        Run run = new Run(2).granted().createdAll();
        run.observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING), vgpu(UUID_2, GPU_B, null, null)));
        assertThat(run.request.state()).isEqualTo(VgpuState.CREATED);

        run.observed(List.of(vgpu(UUID_1, GPU_A, "vm-other", VmRunState.RUNNING),
                vgpu(UUID_2, GPU_B, "vm-other", VmRunState.RUNNING)));
        assertThat(run.request.state()).isEqualTo(VgpuState.CREATED);
    }

    @Test
    void snapshotsOfOtherHostsChangeNothing() {
        Run run = new Run(1).granted();
        VgpuRequest before = run.request;
        HostSnapshot other = new HostSnapshot("sim-02", 1, T0, "test", HostKind.MDEV,
                new VgpuManagerStatus(true, "550", List.of()), List.of(gpu(GPU_A, BDF_A, EccMode.ON)),
                List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING)));

        run.on(new Stimulus.HostObserved(other));

        assertThat(run.request).isEqualTo(before);
    }

    // ------------------------------------------------------------------ suspend, resume

    Run running() {
        return new Run(1).granted().createdAll().observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING)));
    }

    @Test
    void suspendSendsSuspendVmAndTheReplyMakesItSuspendedResumeTheReverse() {
        Run run = running().on(new Stimulus.SuspendRequested());
        SuspendVm suspend = run.sent(SuspendVm.class).get(0);
        assertThat(suspend.vmId()).isEqualTo(VM);
        assertThat(run.request.state()).isEqualTo(VgpuState.RUNNING);

        run.succeeded(suspend);
        assertThat(run.request.state()).isEqualTo(VgpuState.SUSPENDED);

        run.on(new Stimulus.ResumeRequested());
        run.succeeded(run.sent(ResumeVm.class).get(0));
        assertThat(run.request.state()).isEqualTo(VgpuState.RUNNING);
        assertThat(run.path()).endsWith(VgpuState.RUNNING, VgpuState.SUSPENDED, VgpuState.RUNNING);
    }

    @Test
    void suspendIsRefusedOutsideRunningAndWhileAnotherIsInFlight() {
        Run created = new Run(1).granted().createdAll().on(new Stimulus.SuspendRequested());
        assertThat(created.refused).contains("RUNNING").contains("CREATED");
        assertThat(created.lastActions).isEmpty();

        Run run = running().on(new Stimulus.SuspendRequested()).on(new Stimulus.SuspendRequested());
        assertThat(run.refused).contains("in flight");

        Run resume = running().on(new Stimulus.ResumeRequested());
        assertThat(resume.refused).contains("SUSPENDED");
    }

    @Test
    void aRefusedSuspendLeavesItRunningWithTheReason() {
        Run run = running().on(new Stimulus.SuspendRequested());
        SuspendVm suspend = run.sent(SuspendVm.class).get(0);

        run.on(new Stimulus.Replied(new CommandFailed(suspend.commandId(), HOST, "t", T0, "HYPERVISOR_ERROR", "no such VM")));

        assertThat(run.request.state()).isEqualTo(VgpuState.RUNNING);
        assertThat(run.request.pending()).isNull();
        assertThat(run.request.lastError()).contains("no such VM");
    }

    @Test
    void anUnansweredSuspendIsSentAgainUnderANewIdThenGivenUp() {
        Run run = running().on(new Stimulus.SuspendRequested());
        String first = run.sent(SuspendVm.class).get(0).commandId();

        run.at(policy.commandTimeout());
        SuspendVm again = run.sent(SuspendVm.class).get(0);
        assertThat(again.commandId()).isNotEqualTo(first);

        run.at(policy.commandTimeout().multipliedBy(2));
        assertThat(run.lastActions).isEmpty();
        assertThat(run.request.pending()).isNull();
        assertThat(run.request.lastError()).contains("no answer");
        assertThat(run.request.state()).isEqualTo(VgpuState.RUNNING);
    }

    @Test
    void aSnapshotTakenBeforeTheSuspendTookEffectDoesNotUndoIt() {
        Run run = running();
        run.now = T0.plusSeconds(5);
        run.on(new Stimulus.SuspendRequested());
        run.now = T0.plusSeconds(6);
        run.succeeded(run.sent(SuspendVm.class).get(0));

        run.on(new Stimulus.HostObserved(snapshot(T0.plusSeconds(4), List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING)))));
        assertThat(run.request.state()).isEqualTo(VgpuState.SUSPENDED);

        run.on(new Stimulus.HostObserved(snapshot(T0.plusSeconds(7), List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING)))));
        assertThat(run.request.state()).isEqualTo(VgpuState.RUNNING);
    }

    @Test
    void thePausedVmReportedByTheHostMakesItSuspendedAndAStoppedOneAttached() {
        Run run = running().observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.PAUSED)));
        assertThat(run.request.state()).isEqualTo(VgpuState.SUSPENDED);

        run.observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.SHUT_OFF)));
        assertThat(run.request.state()).isEqualTo(VgpuState.ATTACHED);

        run.observed(List.of(vgpu(UUID_1, GPU_A, null, null)));
        assertThat(run.request.state()).isEqualTo(VgpuState.CREATED);
    }

    // ------------------------------------------------------------------ failures and compensation

    @Test
    void aRefusedClaimFailsAtOnceWithNothingToUndo() {
        Run run = new Run(1).on(new Stimulus.ClaimRefused("409: no pGPU has room"));

        assertThat(run.path()).containsExactly(VgpuState.REQUESTED, VgpuState.FAILED);
        assertThat(run.request.failure()).contains("409: no pGPU has room");
        assertThat(run.lastActions).isEmpty();
    }

    @Test
    void anUnreachableInventoryIsAskedAgainAfterTheRetryDelayThenTheRequestFailsAndReleasesTheClaim() {
        Run run = new Run(1).on(new Stimulus.ClaimUnavailable("connection refused"));
        assertThat(run.lastActions).isEmpty();
        assertThat(run.request.pending().deadline()).isEqualTo(T0.plus(policy.claimRetryDelay()));

        run.at(policy.claimRetryDelay());
        assertThat(run.lastActions).containsExactly(new Action.RequestClaim("req-1", CLAIM, VM, run.request.spec(),
                List.of(UUID_1)));
        assertThat(run.request.pending().attempts()).isEqualTo(2);

        run.at(policy.claimRetryDelay().plus(policy.claimTimeout()));
        assertThat(run.request.pending().attempts()).isEqualTo(3);
        run.at(policy.claimRetryDelay().plus(policy.claimTimeout().multipliedBy(2)));

        // out of attempts: a claim granted with a lost answer is given back before the request fails
        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));
        run.on(new Stimulus.ClaimReleased());
        assertThat(run.path()).containsExactly(VgpuState.REQUESTED, VgpuState.FAILED);
        assertThat(run.request.failure()).contains("no claim after 3 attempts").contains("connection refused");
        assertThat(run.request.claimReleased()).isTrue();
    }

    @Test
    void theRetryDelayDoublesWithEveryUnavailableAnswerUpToSixteenTimes() {
        assertThat(policy.claimRetryDelay(1)).isEqualTo(policy.claimRetryDelay());
        assertThat(policy.claimRetryDelay(2)).isEqualTo(policy.claimRetryDelay().multipliedBy(2));
        assertThat(policy.claimRetryDelay(4)).isEqualTo(policy.claimRetryDelay().multipliedBy(8));
        assertThat(policy.claimRetryDelay(5)).isEqualTo(policy.claimRetryDelay().multipliedBy(16));
        assertThat(policy.claimRetryDelay(60)).isEqualTo(policy.claimRetryDelay().multipliedBy(16));

        Run run = new Run(1).on(new Stimulus.ClaimUnavailable("connection refused"));
        run.at(policy.claimRetryDelay());
        assertThat(run.request.pending().attempts()).isEqualTo(2);
        run.on(new Stimulus.ClaimUnavailable("connection refused"));
        Instant second = run.request.pending().deadline();
        assertThat(second).isEqualTo(T0.plus(policy.claimRetryDelay()).plus(policy.claimRetryDelay().multipliedBy(2)));
    }

    @Test
    void aClaimThatDoesNotMatchTheRequestIsGivenBack() {
        Run run = new Run(2).on(new ClaimGranted(HOST, List.of(new ClaimItem(GPU_A, BDF_A, TYPE, UUID_1, 0))));

        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));
        run.on(new Stimulus.ClaimReleased());
        assertThat(run.request.state()).isEqualTo(VgpuState.FAILED);
        assertThat(run.request.failure()).contains("does not match");
    }

    @Test
    void oneFailedCreateOfAMultiVgpuRequestRemovesEveryVgpuThatMayExistThenReleasesTheClaimAndFails() {
        Run run = new Run(2).granted();
        List<CreateVgpu> creates = run.sent(CreateVgpu.class);
        run.succeeded(creates.get(0));

        run.on(new Stimulus.Replied(new CommandFailed(creates.get(1).commandId(), HOST, "t", T0, "EUSERS",
                "no instance available")));

        assertThat(run.request.state()).isEqualTo(VgpuState.DESTROYING);
        assertThat(run.sent(RemoveVgpu.class)).extracting(RemoveVgpu::vgpuUuid).containsExactly(UUID_1, UUID_2);
        List<RemoveVgpu> removes = run.sent(RemoveVgpu.class);
        run.succeeded(removes.get(0));
        assertThat(run.request.pending()).isNull();
        // the second never existed: the agent rejects its removal, which confirms it is gone
        run.on(new Stimulus.Replied(new CommandRejected(removes.get(1).commandId(), HOST, "t", T0,
                List.of("no vGPU " + UUID_2 + " on host " + HOST))));

        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));
        run.on(new Stimulus.ClaimReleased());
        assertThat(run.path()).containsExactly(VgpuState.REQUESTED, VgpuState.PLACED, VgpuState.CREATING,
                VgpuState.DESTROYING, VgpuState.FAILED);
        assertThat(run.request.failure()).contains("EUSERS").contains(UUID_2);
        assertThat(run.events.get(4).reason()).contains("claim released");
    }

    @Test
    void aRejectedCreateCompensatesToo() {
        Run run = new Run(1).granted();
        CreateVgpu create = run.sent(CreateVgpu.class).get(0);

        run.on(new Stimulus.Replied(new CommandRejected(create.commandId(), HOST, "t", T0, List.of("expired"))));

        assertThat(run.request.state()).isEqualTo(VgpuState.DESTROYING);
        assertThat(run.request.failure()).contains("rejected: expired");
    }

    @Test
    void eexistMeansAnEarlierAttemptMadeTheVgpu() {
        Run run = new Run(1).granted();
        CreateVgpu create = run.sent(CreateVgpu.class).get(0);

        run.on(new Stimulus.Replied(new CommandFailed(create.commandId(), HOST, "t", T0, "EEXIST", "in use")));

        assertThat(run.request.state()).isEqualTo(VgpuState.CREATED);
    }

    @Test
    void anUnansweredCreateIsSentAgainUnderANewIdAndGivenUpAfterItsAttempts() {
        Run run = new Run(1).granted();
        String first = run.sent(CreateVgpu.class).get(0).commandId();

        run.at(policy.commandTimeout().minusSeconds(1));
        assertThat(run.lastActions).isEmpty();
        run.at(policy.commandTimeout());
        CreateVgpu second = run.sent(CreateVgpu.class).get(0);
        assertThat(second.commandId()).isNotEqualTo(first);
        assertThat(second.vgpuUuid()).isEqualTo(UUID_1);

        run.at(policy.commandTimeout().multipliedBy(2));
        assertThat(run.request.state()).isEqualTo(VgpuState.DESTROYING);
        assertThat(run.request.failure()).contains("after 2 CreateVgpu attempts");
        assertThat(run.sent(RemoveVgpu.class)).hasSize(1);
    }

    @Test
    void aLateReplyToAnEarlierAttemptIsIgnored() {
        Run run = new Run(1).granted();
        CreateVgpu first = run.sent(CreateVgpu.class).get(0);
        run.at(policy.commandTimeout());

        run.on(new Stimulus.Replied(new CommandFailed(first.commandId(), HOST, "t", T0, "ENODEV", "gone")));

        assertThat(run.request.state()).isEqualTo(VgpuState.CREATING);
    }

    @Test
    void aRemovalIsConfirmedByASnapshotTakenAfterTheCommandThatNoLongerShowsTheVgpu() {
        Run run = new Run(1).granted().createdAll().on(new Stimulus.DestroyRequested());
        Instant issued = run.now;
        run.on(new Stimulus.HostObserved(snapshot(issued.minusSeconds(1), List.of())));
        assertThat(run.request.devices().get(0).status()).isEqualTo(DeviceStatus.REMOVING);

        run.on(new Stimulus.HostObserved(snapshot(issued.plusSeconds(1), List.of())));

        assertThat(run.request.devices().get(0).status()).isEqualTo(DeviceStatus.REMOVED);
        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));
    }

    @Test
    void aRefusedRemovalIsSentAgainAndAfterItsAttemptsTheRequestFailsNamingTheVgpuLeftBehind() {
        Run run = running().on(new Stimulus.DestroyRequested());
        RemoveVgpu remove = run.sent(RemoveVgpu.class).get(0);
        run.on(new Stimulus.Replied(new CommandFailed(remove.commandId(), HOST, "t", T0, "EBUSY", "in use by a VM")));
        assertThat(run.request.state()).isEqualTo(VgpuState.DESTROYING);

        run.at(policy.commandTimeout());
        assertThat(run.sent(RemoveVgpu.class)).hasSize(1);
        run.at(policy.commandTimeout().multipliedBy(2));
        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));
        run.on(new Stimulus.ClaimReleased());

        assertThat(run.request.state()).isEqualTo(VgpuState.FAILED);
        assertThat(run.request.failure()).contains(UUID_1).contains("could not be removed");
    }

    @Test
    void createdVgpusNoVmTakesAreRemovedAfterTheAttachTimeout() {
        Run run = new Run(1).granted().createdAll();

        run.at(policy.attachTimeout());

        assertThat(run.request.state()).isEqualTo(VgpuState.DESTROYING);
        assertThat(run.request.failure()).contains("no VM took");
        assertThat(run.sent(RemoveVgpu.class)).hasSize(1);
    }

    @Test
    void aReleaseThatKeepsFailingEndsTheRequestSayingTheClaimWasNotReleased() {
        Run run = new Run(1).on(new Stimulus.DestroyRequested());
        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));
        run.on(new Stimulus.ClaimReleaseFailed("HTTP 503"));
        run.at(policy.claimTimeout());
        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));
        run.at(policy.claimTimeout().multipliedBy(2));
        run.at(policy.claimTimeout().multipliedBy(3));

        // nothing exists on a host, so the destroy is done; the claim, never confirmed, runs out by its TTL
        assertThat(run.request.state()).isEqualTo(VgpuState.DESTROYED);
        assertThat(run.request.claimReleased()).isFalse();
        assertThat(run.events.get(run.events.size() - 1).reason()).contains("NOT released");
    }

    // ------------------------------------------------------------------ destroy

    @Test
    void destroyOfARunningRequestRemovesItsVgpusReleasesTheClaimAndEndsDestroyed() {
        Run run = running().on(new Stimulus.DestroyRequested());
        assertThat(run.request.state()).isEqualTo(VgpuState.DESTROYING);

        run.succeeded(run.sent(RemoveVgpu.class).get(0)).on(new Stimulus.ClaimReleased());

        assertThat(run.path()).endsWith(VgpuState.RUNNING, VgpuState.DESTROYING, VgpuState.DESTROYED);
        assertThat(run.request.failure()).isNull();
    }

    @Test
    void destroyWhileClaimingGivesTheClaimBackAndALateGrantChangesNothing() {
        Run run = new Run(1).on(new Stimulus.DestroyRequested());
        assertThat(run.lastActions).containsExactly(new Action.ReleaseClaim("req-1", CLAIM));

        run.granted();
        assertThat(run.lastActions).isEmpty();
        run.on(new Stimulus.ClaimReleased());

        assertThat(run.path()).containsExactly(VgpuState.REQUESTED, VgpuState.DESTROYED);
    }

    @Test
    void destroyOfADestroyedRequestChangesNothing() {
        Run run = running().on(new Stimulus.DestroyRequested());
        run.succeeded(run.sent(RemoveVgpu.class).get(0)).on(new Stimulus.ClaimReleased());
        VgpuRequest done = run.request;

        run.on(new Stimulus.DestroyRequested());

        assertThat(run.request).isEqualTo(done);
        assertThat(run.lastActions).isEmpty();
    }

    // ------------------------------------------------------------------ ECC

    @Test
    void aDoubleBitEccErrorOnAnEccOnPgpuMarksTheVmRebootRequiredOnceUntilTheVmStops() {
        Run run = running();
        int before = run.events.size();

        run.on(new Stimulus.DoubleBitEccError(GPU_A, "double-bit-ecc"));
        run.on(new Stimulus.DoubleBitEccError(GPU_A, "double-bit-ecc"));

        assertThat(run.request.rebootRequired()).contains("VM reboot required").contains(GPU_A);
        assertThat(run.events).hasSize(before + 1);
        VgpuStateChanged marked = run.events.get(before);
        assertThat(marked.previous()).isEqualTo(VgpuState.RUNNING);
        assertThat(marked.current()).isEqualTo(VgpuState.RUNNING);
        assertThat(marked.reason()).startsWith("VM reboot required");

        run.observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.SHUT_OFF)));
        assertThat(run.request.rebootRequired()).isNull();
    }

    @Test
    void aDoubleBitEccErrorOnAnEccOffPgpuOrAnotherPgpuMarksNothing() {
        Run run = new Run(2).granted().createdAll();
        run.observed(List.of(vgpu(UUID_1, GPU_A, VM, VmRunState.RUNNING), vgpu(UUID_2, GPU_B, VM, VmRunState.RUNNING)));

        run.on(new Stimulus.DoubleBitEccError(GPU_B, "double-bit-ecc"));
        run.on(new Stimulus.DoubleBitEccError("GPU-00000000-0000-4000-8000-0000000000ff", "double-bit-ecc"));

        assertThat(run.request.rebootRequired()).isNull();
    }

    // ------------------------------------------------------------------ restart

    @Test
    void aDecisionMadeAgainFromThePersistedRequestSendsTheSameCommandIds() {
        Run run = new Run(1).granted();
        VgpuRequest persisted = run.request;
        String sent = run.sent(CreateVgpu.class).get(0).commandId();

        assertThat(persisted.devices().get(0).commandId()).isEqualTo(sent);
        Decision retried = machine.on(persisted, new Stimulus.Tick(), T0.plus(policy.commandTimeout()));
        assertThat(retried.actions()).singleElement().satisfies(action ->
                assertThat(((CreateVgpu) ((Action.SendCommand) action).command()).commandId()).isEqualTo("req-1:create:0:2"));
    }

    @Test
    void aRestartSendsWhatWasInFlightAgainUnderTheSameIds() {
        Run claiming = new Run(1);
        assertThat(machine.inFlight(claiming.request)).isEqualTo(claiming.lastActions);

        Run creating = new Run(2).granted();
        assertThat(machine.inFlight(creating.request)).isEqualTo(creating.lastActions);

        Run suspending = running().on(new Stimulus.SuspendRequested());
        assertThat(machine.inFlight(suspending.request)).isEqualTo(suspending.lastActions);

        Run destroying = running().on(new Stimulus.DestroyRequested());
        assertThat(machine.inFlight(destroying.request)).isEqualTo(destroying.lastActions);

        assertThat(machine.inFlight(running().request)).isEmpty();
    }

    @Test
    void nothingHappensWithoutAReasonTicksBeforeDeadlinesChangeNothing() {
        Run run = new Run(2).granted();
        VgpuRequest before = run.request;

        Decision decision = machine.on(before, new Stimulus.Tick(), T0.plusSeconds(1));

        assertThat(decision.changed()).isFalse();
        assertThat(decision.request()).isSameAs(before);
    }
}
