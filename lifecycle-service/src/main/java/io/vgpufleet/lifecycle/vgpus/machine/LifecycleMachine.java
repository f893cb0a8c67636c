package io.vgpufleet.lifecycle.vgpus.machine;

import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.ResumeVm;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VmRunState;
import io.vgpufleet.contracts.lifecycle.DeviceStatus;
import io.vgpufleet.contracts.lifecycle.OperationKind;
import io.vgpufleet.contracts.lifecycle.PendingOperation;
import io.vgpufleet.contracts.lifecycle.VgpuDevice;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus.ClaimGranted;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus.ClaimItem;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The vGPU request state machine, pure: a request and a stimulus in, a {@link Decision} out.
 *
 * <pre>
 * REQUESTED --claim granted--> PLACED --CreateVgpu sent--> CREATING --all confirmed--> CREATED
 *   --snapshot: the VM holds them--> ATTACHED --the VM runs--> RUNNING <--suspend/resume--> SUSPENDED
 * any live state --destroy--> DESTROYING --all removed, claim released--> DESTROYED
 * any failed step --compensation (RemoveVgpu for whatever may exist, claim released)--> DESTROYING --> FAILED
 * </pre>
 *
 * Every step has a deadline: a claim is asked again after {@code claimTimeout} (or {@code claimRetryDelay}
 * after the inventory could not be reached), a command is sent again under a new id after {@code
 * commandTimeout}, each at most their {@code attempts}; created vGPUs no VM took are removed after {@code
 * attachTimeout}. Creation is confirmed by the agent's reply or by a snapshot that shows the vGPU (a lost
 * reply costs nothing); removal by the reply, by a rejection that says the vGPU is not there, or by a
 * snapshot taken after the command that no longer shows it. All vGPUs of a request are created or none:
 * the first one that fails compensates for all.
 *
 * <p>Command ids are made from the request id, the step, the vGPU's index and the attempt, so a decision
 * repeated after a restart sends the same ids and the agent answers a repeat with its first outcome.
 */
public final class LifecycleMachine {

    private final LifecyclePolicy policy;

    public LifecycleMachine(LifecyclePolicy policy) {
        this.policy = policy;
    }

    public LifecyclePolicy policy() {
        return policy;
    }

    /** A new request, REQUESTED and asking for its claim. */
    public Decision start(String requestId, @Nullable String clientRequestId, String vmId, VgpuSpec spec,
            List<String> vgpuUuids, String claimId, Instant now) {
        VgpuRequest request = new VgpuRequest(requestId, clientRequestId, vmId, spec, VgpuState.REQUESTED, claimId, false,
                null, vgpuUuids.stream().map(VgpuDevice::planned).toList(), null, null, false, null, null, null, now, now);
        Draft draft = new Draft(request, now);
        draft.event(null, "requested: " + spec.count() + " vGPU(s)" + (spec.typeId() == null ? "" : " of type "
                + spec.typeId()));
        askClaim(draft, 1);
        return draft.decide();
    }

    public Decision on(VgpuRequest request, Stimulus stimulus, Instant now) {
        if (request.terminal() && !(stimulus instanceof Stimulus.ClaimReleased)) {
            return stimulus instanceof Stimulus.SuspendRequested || stimulus instanceof Stimulus.ResumeRequested
                    ? Decision.refused(request, "the request is " + request.state())
                    : Decision.unchanged(request);
        }
        Draft draft = new Draft(request, now);
        if (stimulus instanceof ClaimGranted granted) {
            onClaimGranted(draft, granted);
        } else if (stimulus instanceof Stimulus.ClaimRefused refused) {
            onClaimRefused(draft, refused.reason());
        } else if (stimulus instanceof Stimulus.ClaimUnavailable unavailable) {
            onClaimUnavailable(draft, unavailable.reason());
        } else if (stimulus instanceof Stimulus.ClaimReleased) {
            onClaimReleased(draft);
        } else if (stimulus instanceof Stimulus.ClaimReleaseFailed failed) {
            onClaimReleaseFailed(draft, failed.reason());
        } else if (stimulus instanceof Stimulus.Replied replied) {
            onReply(draft, replied.reply());
        } else if (stimulus instanceof Stimulus.HostObserved observed) {
            onHostObserved(draft, observed.snapshot());
        } else if (stimulus instanceof Stimulus.Tick) {
            onTick(draft);
        } else if (stimulus instanceof Stimulus.DestroyRequested) {
            onDestroy(draft);
        } else if (stimulus instanceof Stimulus.SuspendRequested) {
            return onSuspendOrResume(draft, true);
        } else if (stimulus instanceof Stimulus.ResumeRequested) {
            return onSuspendOrResume(draft, false);
        } else if (stimulus instanceof Stimulus.DoubleBitEccError ecc) {
            onDoubleBitEcc(draft, ecc);
        }
        return draft.decide();
    }

    /**
     * The actions a persisted request had in flight, as they were first sent (same command ids, same
     * {@code notAfter}): what a restarted service sends again, so that a step lost in the crash goes on at
     * once instead of at its deadline. The agents answer a repeated command id with its first outcome; the
     * inventory answers a repeated claim id with the same claim.
     */
    public List<Action> inFlight(VgpuRequest request) {
        if (request.terminal()) {
            return List.of();
        }
        List<Action> actions = new java.util.ArrayList<>();
        PendingOperation pending = request.pending();
        if (pending != null) {
            switch (pending.kind()) {
                case CLAIM -> actions.add(new Action.RequestClaim(request.requestId(), request.claimId(), request.vmId(),
                        request.spec(), request.vgpuUuids()));
                case RELEASE_CLAIM -> actions.add(new Action.ReleaseClaim(request.requestId(), request.claimId()));
                case SUSPEND, RESUME -> {
                    String commandId = required(pending.commandId());
                    Instant issued = pending.deadline().minus(policy.commandTimeout());
                    String host = required(request.hostId());
                    actions.add(new Action.SendCommand(pending.kind() == OperationKind.SUSPEND
                            ? new SuspendVm(commandId, host, issued, pending.deadline(), request.vmId())
                            : new ResumeVm(commandId, host, issued, pending.deadline(), request.vmId())));
                }
            }
        }
        for (VgpuDevice device : request.devices()) {
            String commandId = device.commandId();
            Instant issued = device.commandIssuedAt();
            Instant deadline = device.deadline();
            if (commandId == null || issued == null || deadline == null) {
                continue;
            }
            String host = required(request.hostId());
            if (device.status() == DeviceStatus.CREATING) {
                actions.add(new Action.SendCommand(new CreateVgpu(commandId, host, issued, deadline,
                        required(device.pciBdf()), required(device.typeId()), device.vgpuUuid(), request.spec().params())));
            } else if (device.status() == DeviceStatus.REMOVING) {
                actions.add(new Action.SendCommand(new RemoveVgpu(commandId, host, issued, deadline, device.vgpuUuid())));
            }
        }
        return actions;
    }

    // ------------------------------------------------------------------ claim

    private void askClaim(Draft draft, int attempt) {
        draft.pending = new PendingOperation(OperationKind.CLAIM, attempt, draft.now.plus(policy.claimTimeout()), null);
        draft.actions.add(new Action.RequestClaim(draft.requestId, draft.claimId, draft.vmId, draft.spec,
                draft.devices.stream().map(VgpuDevice::vgpuUuid).toList()));
    }

    private void onClaimGranted(Draft draft, ClaimGranted granted) {
        if (draft.state != VgpuState.REQUESTED || draft.hostId != null || !isPending(draft, OperationKind.CLAIM)) {
            return; // a repeated or late answer: the claim id is the same, so it is the same claim
        }
        draft.pending = null;
        draft.hostId = granted.hostId();
        String mismatch = mismatch(draft, granted.items());
        if (mismatch != null) {
            compensate(draft, "the inventory's claim does not match the request: " + mismatch);
            return;
        }
        Map<String, ClaimItem> byUuid = new HashMap<>();
        granted.items().forEach(item -> byUuid.put(item.vgpuUuid(), item));
        for (int i = 0; i < draft.devices.size(); i++) {
            VgpuDevice device = draft.devices.get(i);
            ClaimItem item = byUuid.get(device.vgpuUuid());
            draft.devices.set(i, device.placed(item.gpuUuid(), item.pciBdf(), item.typeId(), item.numaNode()));
        }
        draft.moveTo(VgpuState.PLACED, "claim " + draft.claimId + " granted on host " + granted.hostId());
        if (draft.destroyRequested) {
            compensate(draft, null);
            return;
        }
        for (int i = 0; i < draft.devices.size(); i++) {
            sendCreate(draft, i, 1);
        }
        draft.moveTo(VgpuState.CREATING, "CreateVgpu sent for " + draft.devices.size() + " vGPU(s)");
    }

    private static @Nullable String mismatch(Draft draft, List<ClaimItem> items) {
        Set<String> asked = new HashSet<>(draft.devices.stream().map(VgpuDevice::vgpuUuid).toList());
        Set<String> granted = new HashSet<>(items.stream().map(ClaimItem::vgpuUuid).toList());
        if (items.size() != draft.devices.size() || !asked.equals(granted)) {
            return "asked for vGPUs " + asked + ", granted " + granted;
        }
        return null;
    }

    private void onClaimRefused(Draft draft, String reason) {
        if (draft.state != VgpuState.REQUESTED || !isPending(draft, OperationKind.CLAIM)) {
            return;
        }
        draft.pending = null;
        draft.failure = "no claim: " + reason;
        draft.claimReleased = true; // nothing was claimed
        draft.moveTo(draft.destroyRequested ? VgpuState.DESTROYED : VgpuState.FAILED, draft.failure);
    }

    private void onClaimUnavailable(Draft draft, String reason) {
        PendingOperation pending = draft.pending;
        if (draft.state != VgpuState.REQUESTED || pending == null || pending.kind() != OperationKind.CLAIM) {
            return;
        }
        draft.lastError = reason;
        draft.pending = new PendingOperation(OperationKind.CLAIM, pending.attempts(),
                draft.now.plus(policy.claimRetryDelay(pending.attempts())), null);
    }

    private void release(Draft draft) {
        if (draft.claimReleased) {
            finish(draft);
            return;
        }
        PendingOperation pending = draft.pending;
        if (pending != null && pending.kind() == OperationKind.RELEASE_CLAIM) {
            return;
        }
        draft.pending = new PendingOperation(OperationKind.RELEASE_CLAIM, 1, draft.now.plus(policy.claimTimeout()), null);
        draft.actions.add(new Action.ReleaseClaim(draft.requestId, draft.claimId));
    }

    private void onClaimReleased(Draft draft) {
        if (draft.claimReleased || !isPending(draft, OperationKind.RELEASE_CLAIM)) {
            return;
        }
        draft.pending = null;
        draft.claimReleased = true;
        finish(draft);
    }

    private void onClaimReleaseFailed(Draft draft, String reason) {
        if (isPending(draft, OperationKind.RELEASE_CLAIM)) {
            draft.lastError = "claim release failed: " + reason;
        }
    }

    /** Compensation is done (every vGPU gone or given up, the claim handled): the request ends. */
    private static void finish(Draft draft) {
        String stuck = draft.devices.stream().filter(device -> device.status() != DeviceStatus.REMOVED)
                .map(VgpuDevice::vgpuUuid).reduce((a, b) -> a + ", " + b).orElse(null);
        String claim = draft.claimReleased ? "claim released" : "claim " + draft.claimId + " NOT released";
        if (stuck != null) {
            draft.failure = (draft.failure == null ? "" : draft.failure + "; ") + "vGPU(s) " + stuck
                    + " could not be removed from host " + draft.hostId;
        }
        if (draft.destroyRequested && stuck == null) {
            draft.moveTo(VgpuState.DESTROYED, "destroyed: vGPUs removed, " + claim);
        } else {
            draft.moveTo(VgpuState.FAILED, (draft.failure == null ? "failed" : draft.failure) + "; " + claim);
        }
    }

    // ------------------------------------------------------------------ device commands

    private void sendCreate(Draft draft, int index, int attempt) {
        VgpuDevice device = draft.devices.get(index);
        String commandId = commandId(draft, "create", index, attempt);
        draft.devices.set(index, device.commanded(DeviceStatus.CREATING, commandId, attempt, draft.now,
                draft.now.plus(policy.commandTimeout())));
        draft.actions.add(new Action.SendCommand(new CreateVgpu(commandId, host(draft), draft.now,
                draft.now.plus(policy.commandTimeout()), required(device.pciBdf()), required(device.typeId()),
                device.vgpuUuid(), draft.spec.params())));
    }

    private void sendRemove(Draft draft, int index, int attempt) {
        VgpuDevice device = draft.devices.get(index);
        String commandId = commandId(draft, "remove", index, attempt);
        draft.devices.set(index, device.commanded(DeviceStatus.REMOVING, commandId, attempt, draft.now,
                draft.now.plus(policy.commandTimeout())));
        draft.actions.add(new Action.SendCommand(new RemoveVgpu(commandId, host(draft), draft.now,
                draft.now.plus(policy.commandTimeout()), device.vgpuUuid())));
    }

    private static String commandId(Draft draft, String step, int index, int attempt) {
        return draft.requestId + ":" + step + ":" + index + ":" + attempt;
    }

    /**
     * Starts removing whatever of the request may exist on its host, then gives the claim back; the
     * request ends DESTROYED when the caller asked for it, FAILED with {@code reason} otherwise.
     */
    private void compensate(Draft draft, @Nullable String reason) {
        if (reason != null && draft.failure == null) {
            draft.failure = reason;
        }
        draft.attachDeadline = null;
        PendingOperation pending = draft.pending;
        if (pending != null && pending.kind() != OperationKind.RELEASE_CLAIM) {
            draft.pending = null;
        }
        for (int i = 0; i < draft.devices.size(); i++) {
            VgpuDevice device = draft.devices.get(i);
            switch (device.status()) {
                case PLANNED -> draft.devices.set(i, device.settled(DeviceStatus.REMOVED));
                case CREATING, CREATED -> sendRemove(draft, i, 1);
                case REMOVING, REMOVED -> { }
            }
        }
        if (draft.hostId != null && draft.state != VgpuState.DESTROYING) {
            draft.moveTo(VgpuState.DESTROYING, reason == null ? "destroy requested" : "compensating: " + reason);
        }
        if (allRemoved(draft)) {
            release(draft);
        }
    }

    private static boolean allRemoved(Draft draft) {
        return draft.devices.stream().allMatch(device -> device.status() == DeviceStatus.REMOVED);
    }

    private static boolean allCreated(Draft draft) {
        return draft.devices.stream().allMatch(device -> device.status() == DeviceStatus.CREATED);
    }

    private void onReply(Draft draft, CommandReply reply) {
        PendingOperation pending = draft.pending;
        if (pending != null && reply.commandId().equals(pending.commandId())) {
            onVmReply(draft, pending, reply);
            return;
        }
        for (int i = 0; i < draft.devices.size(); i++) {
            VgpuDevice device = draft.devices.get(i);
            if (!reply.commandId().equals(device.commandId()) || !reply.hostId().equals(draft.hostId)) {
                continue;
            }
            if (device.status() == DeviceStatus.CREATING) {
                onCreateReply(draft, i, reply);
            } else if (device.status() == DeviceStatus.REMOVING) {
                onRemoveReply(draft, i, reply);
            }
            return;
        }
    }

    private void onCreateReply(Draft draft, int index, CommandReply reply) {
        VgpuDevice device = draft.devices.get(index);
        if (reply instanceof CommandSucceeded
                || (reply instanceof CommandFailed failed && "EEXIST".equals(failed.errorCode()))) {
            // EEXIST: the UUID is this request's own, so an earlier attempt made it
            draft.devices.set(index, device.settled(DeviceStatus.CREATED));
            createdIfAll(draft, "agent confirmed creation");
        } else {
            compensate(draft, "creating vGPU " + device.vgpuUuid() + " on " + draft.hostId + " " + outcome(reply));
        }
    }

    private void onRemoveReply(Draft draft, int index, CommandReply reply) {
        VgpuDevice device = draft.devices.get(index);
        boolean absent = reply instanceof CommandRejected rejected
                && rejected.reasons().stream().anyMatch(reason -> reason.startsWith("no vGPU " + device.vgpuUuid()));
        if (reply instanceof CommandSucceeded || absent) {
            draft.devices.set(index, device.settled(DeviceStatus.REMOVED));
            if (allRemoved(draft)) {
                release(draft);
            }
        } else {
            // a refused removal (e.g. the VM still holds it) is sent again at the deadline
            draft.lastError = "removing vGPU " + device.vgpuUuid() + " " + outcome(reply);
        }
    }

    private static String outcome(CommandReply reply) {
        if (reply instanceof CommandFailed failed) {
            return "failed: " + failed.errorCode() + " " + failed.message();
        }
        if (reply instanceof CommandRejected rejected) {
            return "was rejected: " + String.join("; ", rejected.reasons());
        }
        return "succeeded";
    }

    private void createdIfAll(Draft draft, String reason) {
        if (draft.state == VgpuState.CREATING && allCreated(draft)) {
            draft.attachDeadline = draft.now.plus(policy.attachTimeout());
            draft.moveTo(VgpuState.CREATED, reason);
        }
    }

    // ------------------------------------------------------------------ what hosts report

    private void onHostObserved(Draft draft, HostSnapshot snapshot) {
        if (draft.hostId == null || !draft.hostId.equals(snapshot.hostId())) {
            return;
        }
        Map<String, Vgpu> present = new HashMap<>();
        snapshot.vgpus().forEach(vgpu -> present.put(vgpu.uuid(), vgpu));
        Map<String, EccMode> ecc = new HashMap<>();
        snapshot.gpus().forEach(gpu -> ecc.put(gpu.uuid(), gpu.eccMode()));
        for (int i = 0; i < draft.devices.size(); i++) {
            VgpuDevice device = draft.devices.get(i);
            Vgpu seen = present.get(device.vgpuUuid());
            EccMode mode = device.gpuUuid() == null ? device.eccMode() : ecc.getOrDefault(device.gpuUuid(), device.eccMode());
            String vf = seen == null ? device.virtualFunctionBdf() : seen.virtualFunctionBdf();
            device = device.observed(vf, mode);
            if (device.status() == DeviceStatus.CREATING && seen != null) {
                device = device.settled(DeviceStatus.CREATED);
            } else if (device.status() == DeviceStatus.REMOVING && seen == null && device.commandIssuedAt() != null
                    && snapshot.observedAt().isAfter(device.commandIssuedAt())) {
                device = device.settled(DeviceStatus.REMOVED);
            }
            draft.devices.set(i, device);
        }
        if (draft.state == VgpuState.CREATING) {
            createdIfAll(draft, "snapshot of " + snapshot.hostId() + " shows every vGPU");
        }
        if (draft.state == VgpuState.DESTROYING && allRemoved(draft)) {
            release(draft);
            return;
        }
        boolean stale = snapshot.observedAt().isBefore(draft.lastChangedAt)
                && (draft.state == VgpuState.RUNNING || draft.state == VgpuState.SUSPENDED);
        if (!stale) {
            // a snapshot taken before a suspend or resume took effect must not undo it
            observeVm(draft, present);
        }
    }

    /** Moves between CREATED, ATTACHED, RUNNING and SUSPENDED as the host says the VM holds and runs the vGPUs. */
    private static void observeVm(Draft draft, Map<String, Vgpu> present) {
        if (!Set.of(VgpuState.CREATED, VgpuState.ATTACHED, VgpuState.RUNNING, VgpuState.SUSPENDED).contains(draft.state)) {
            return;
        }
        boolean attached = true;
        Set<VmRunState> runStates = new HashSet<>();
        for (VgpuDevice device : draft.devices) {
            Vgpu seen = present.get(device.vgpuUuid());
            if (seen == null || !draft.vmId.equals(seen.vmId())) {
                attached = false;
                break;
            }
            if (seen.vmState() != null) {
                runStates.add(seen.vmState());
            }
        }
        VgpuState observed = !attached ? VgpuState.CREATED
                : runStates.contains(VmRunState.PAUSED) ? VgpuState.SUSPENDED
                : runStates.equals(Set.of(VmRunState.RUNNING)) ? VgpuState.RUNNING
                : VgpuState.ATTACHED;
        if (observed == draft.state) {
            return;
        }
        if (observed == VgpuState.CREATED || observed == VgpuState.ATTACHED) {
            draft.rebootRequired = null; // the VM stopped (or let go): the next start is the reboot
        }
        if (draft.state == VgpuState.CREATED) {
            draft.attachDeadline = null;
            draft.moveTo(VgpuState.ATTACHED, "VM " + draft.vmId + " holds every vGPU");
            if (observed == VgpuState.ATTACHED) {
                return;
            }
        }
        if (observed == VgpuState.SUSPENDED && draft.state == VgpuState.ATTACHED) {
            draft.moveTo(VgpuState.RUNNING, "VM " + draft.vmId + " runs");
        }
        clearVmOperation(draft, observed);
        draft.moveTo(observed, switch (observed) {
            case RUNNING -> "VM " + draft.vmId + " runs";
            case SUSPENDED -> "VM " + draft.vmId + " is paused";
            case ATTACHED -> "VM " + draft.vmId + " holds every vGPU but does not run";
            default -> "VM " + draft.vmId + " no longer holds every vGPU";
        });
    }

    private static void clearVmOperation(Draft draft, VgpuState observed) {
        PendingOperation pending = draft.pending;
        if (pending != null && (pending.kind() == OperationKind.SUSPEND || pending.kind() == OperationKind.RESUME)) {
            draft.pending = null;
            if ((pending.kind() == OperationKind.SUSPEND) != (observed == VgpuState.SUSPENDED)) {
                draft.lastError = pending.kind() + " overtaken: the host reports " + observed;
            }
        }
    }

    // ------------------------------------------------------------------ callers

    private void onDestroy(Draft draft) {
        draft.destroyRequested = true;
        PendingOperation pending = draft.pending;
        if (draft.state == VgpuState.REQUESTED && pending != null && pending.kind() == OperationKind.CLAIM) {
            // the claim may be granted meanwhile; give it back (idempotent) and end
            compensate(draft, null);
            return;
        }
        if (draft.state != VgpuState.DESTROYING) {
            compensate(draft, null);
        }
    }

    private Decision onSuspendOrResume(Draft draft, boolean suspend) {
        VgpuState from = suspend ? VgpuState.RUNNING : VgpuState.SUSPENDED;
        if (draft.state != from) {
            return Decision.refused(draft.decide().request(), (suspend ? "suspend" : "resume") + " needs a " + from
                    + " request; this one is " + draft.state);
        }
        if (draft.pending != null) {
            return Decision.refused(draft.decide().request(), "a " + draft.pending.kind() + " is in flight");
        }
        sendVmCommand(draft, suspend ? OperationKind.SUSPEND : OperationKind.RESUME, 1);
        return draft.decide();
    }

    private void sendVmCommand(Draft draft, OperationKind kind, int attempt) {
        String commandId = commandId(draft, kind.name().toLowerCase(java.util.Locale.ROOT), 0, attempt);
        Instant notAfter = draft.now.plus(policy.commandTimeout());
        draft.pending = new PendingOperation(kind, attempt, notAfter, commandId);
        draft.actions.add(new Action.SendCommand(kind == OperationKind.SUSPEND
                ? new SuspendVm(commandId, host(draft), draft.now, notAfter, draft.vmId)
                : new ResumeVm(commandId, host(draft), draft.now, notAfter, draft.vmId)));
    }

    private static void onVmReply(Draft draft, PendingOperation pending, CommandReply reply) {
        draft.pending = null;
        if (!(reply instanceof CommandSucceeded)) {
            draft.lastError = pending.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + outcome(reply);
            return;
        }
        if (pending.kind() == OperationKind.SUSPEND && draft.state == VgpuState.RUNNING) {
            draft.moveTo(VgpuState.SUSPENDED, "agent suspended VM " + draft.vmId);
        } else if (pending.kind() == OperationKind.RESUME && draft.state == VgpuState.SUSPENDED) {
            draft.moveTo(VgpuState.RUNNING, "agent resumed VM " + draft.vmId);
        }
    }

    private static void onDoubleBitEcc(Draft draft, Stimulus.DoubleBitEccError ecc) {
        if (!Set.of(VgpuState.CREATED, VgpuState.ATTACHED, VgpuState.RUNNING, VgpuState.SUSPENDED).contains(draft.state)
                || draft.rebootRequired != null) {
            return;
        }
        boolean affected = draft.devices.stream()
                .anyMatch(device -> ecc.gpuUuid().equals(device.gpuUuid()) && device.eccMode() == EccMode.ON);
        if (affected) {
            draft.rebootRequired = "VM reboot required: double-bit ECC error on pGPU " + ecc.gpuUuid() + " (" + ecc.detail()
                    + "); the guest's compute work is stopped until the VM reboots";
            draft.event(draft.state, draft.rebootRequired);
        }
    }

    // ------------------------------------------------------------------ time

    private void onTick(Draft draft) {
        Instant now = draft.now;
        PendingOperation pending = draft.pending;
        if (pending != null && !now.isBefore(pending.deadline())) {
            switch (pending.kind()) {
                case CLAIM -> {
                    if (pending.attempts() < policy.claimAttempts()) {
                        askClaim(draft, pending.attempts() + 1);
                    } else {
                        compensate(draft, "no claim after " + pending.attempts() + " attempts"
                                + (draft.lastError == null ? "" : " (" + draft.lastError + ")"));
                    }
                }
                case RELEASE_CLAIM -> {
                    if (pending.attempts() < policy.claimAttempts()) {
                        draft.pending = new PendingOperation(OperationKind.RELEASE_CLAIM, pending.attempts() + 1,
                                now.plus(policy.claimTimeout()), null);
                        draft.actions.add(new Action.ReleaseClaim(draft.requestId, draft.claimId));
                    } else {
                        draft.pending = null;
                        finish(draft);
                    }
                }
                case SUSPEND, RESUME -> {
                    if (pending.attempts() < policy.commandAttempts()) {
                        sendVmCommand(draft, pending.kind(), pending.attempts() + 1);
                    } else {
                        draft.pending = null;
                        draft.lastError = pending.kind() + ": no answer from host " + draft.hostId + " after "
                                + pending.attempts() + " attempts";
                    }
                }
            }
        }
        for (int i = 0; i < draft.devices.size(); i++) {
            VgpuDevice device = draft.devices.get(i);
            Instant deadline = device.deadline();
            if (deadline == null || now.isBefore(deadline) || device.commandId() == null) {
                continue;
            }
            boolean retry = device.attempts() < policy.commandAttempts();
            if (device.status() == DeviceStatus.CREATING && draft.state == VgpuState.CREATING) {
                if (retry) {
                    sendCreate(draft, i, device.attempts() + 1);
                } else {
                    compensate(draft, "vGPU " + device.vgpuUuid() + " not confirmed on host " + draft.hostId + " after "
                            + device.attempts() + " CreateVgpu attempts");
                }
            } else if (device.status() == DeviceStatus.REMOVING) {
                if (retry) {
                    sendRemove(draft, i, device.attempts() + 1);
                } else {
                    // given up: stays REMOVING without a command; the request fails naming it
                    draft.devices.set(i, device.settled(DeviceStatus.REMOVING));
                    if (draft.devices.stream().noneMatch(d -> d.commandId() != null)) {
                        release(draft);
                    }
                }
            }
        }
        Instant attachDeadline = draft.attachDeadline;
        if (draft.state == VgpuState.CREATED && attachDeadline != null && !now.isBefore(attachDeadline)) {
            compensate(draft, "no VM took the vGPUs within " + policy.attachTimeout());
        }
    }

    private static boolean isPending(Draft draft, OperationKind kind) {
        return draft.pending != null && draft.pending.kind() == kind;
    }

    private static String host(Draft draft) {
        return required(draft.hostId);
    }

    private static String required(@Nullable String value) {
        if (value == null) {
            throw new IllegalStateException("a placed request lacks a field the claim set");
        }
        return value;
    }

    /** The pGPUs of a snapshot by UUID (for callers that need NUMA facts of a placed request). */
    public static Map<String, PhysicalGpu> gpusOf(HostSnapshot snapshot) {
        Map<String, PhysicalGpu> gpus = new HashMap<>();
        snapshot.gpus().forEach(gpu -> gpus.put(gpu.uuid(), gpu));
        return gpus;
    }
}
