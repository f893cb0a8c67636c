package io.vgpufleet.lifecycle.vgpus.machine;

import io.vgpufleet.contracts.lifecycle.PendingOperation;
import io.vgpufleet.contracts.lifecycle.VgpuDevice;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A request being changed by one decision: its fields, the transitions and the actions gathered so far. */
final class Draft {

    final String requestId;
    final @Nullable String clientRequestId;
    final String vmId;
    final VgpuSpec spec;
    final String claimId;
    final Instant createdAt;
    final Instant now;
    /** When the request last changed before this decision. */
    final Instant lastChangedAt;
    private final VgpuRequest original;

    VgpuState state;
    boolean claimReleased;
    @Nullable String hostId;
    final List<VgpuDevice> devices;
    @Nullable PendingOperation pending;
    @Nullable String failure;
    boolean destroyRequested;
    @Nullable String rebootRequired;
    @Nullable String lastError;
    @Nullable Instant attachDeadline;

    final List<VgpuStateChanged> events = new ArrayList<>();
    final List<Action> actions = new ArrayList<>();

    Draft(VgpuRequest request, Instant now) {
        this.original = request;
        this.now = now;
        this.lastChangedAt = request.updatedAt();
        requestId = request.requestId();
        clientRequestId = request.clientRequestId();
        vmId = request.vmId();
        spec = request.spec();
        claimId = request.claimId();
        createdAt = request.createdAt();
        state = request.state();
        claimReleased = request.claimReleased();
        hostId = request.hostId();
        devices = new ArrayList<>(request.devices());
        pending = request.pending();
        failure = request.failure();
        destroyRequested = request.destroyRequested();
        rebootRequired = request.rebootRequired();
        lastError = request.lastError();
        attachDeadline = request.attachDeadline();
    }

    void moveTo(VgpuState next, String reason) {
        VgpuState previous = state;
        state = next;
        event(previous, reason);
    }

    /** A transition event; {@code previous} equal to the state marks something within it. */
    void event(@Nullable VgpuState previous, String reason) {
        List<String> uuids = devices.stream().map(VgpuDevice::vgpuUuid).toList();
        VgpuDevice first = devices.get(0);
        boolean placed = hostId != null;
        events.add(new VgpuStateChanged(requestId, vmId, previous, state, reason, hostId,
                placed ? first.gpuUuid() : null, placed ? first.vgpuUuid() : null, now, placed ? uuids : List.of()));
    }

    Decision decide() {
        VgpuRequest next = new VgpuRequest(requestId, clientRequestId, vmId, spec, state, claimId, claimReleased, hostId,
                devices, pending, failure, destroyRequested, rebootRequired, lastError, attachDeadline, createdAt,
                original.updatedAt());
        if (next.equals(original) && events.isEmpty() && actions.isEmpty()) {
            return Decision.unchanged(original);
        }
        next = new VgpuRequest(requestId, clientRequestId, vmId, spec, state, claimId, claimReleased, hostId, devices,
                pending, failure, destroyRequested, rebootRequired, lastError, attachDeadline, createdAt, now);
        return new Decision(next, events, actions, null, true);
    }
}
