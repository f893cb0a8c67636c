package io.vgpufleet.contracts.lifecycle;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validHostId;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A VM's vGPU request as the lifecycle-service keeps it: the whole state of its state machine, written
 * after every transition, keyed by request id on a compacted topic. The latest record per request is the
 * request; the service rebuilds its requests from that topic at start and resumes every one in flight.
 *
 * @param clientRequestId the caller's idempotency key: a second request with it is answered with this one
 * @param claimId the inventory claim that reserves the capacity (chosen at request time, so asking again
 *     after a lost answer cannot claim twice)
 * @param claimReleased whether the claim was given back (after a destroy or a failed create)
 * @param hostId the host of every vGPU (a claim puts all of them on one), once placed
 * @param devices one per vGPU, in the order asked
 * @param pending the request-wide step in flight
 * @param failure why the request failed, or is being compensated for before it fails
 * @param destroyRequested the caller asked to destroy it (compensation ends DESTROYED, not FAILED)
 * @param rebootRequired why the VM must reboot (a double-bit ECC error on an ECC-on pGPU), until it does
 * @param lastError the last refused suspend or resume, that left the state as it was
 * @param attachDeadline when a created vGPU that no VM took is given up
 */
public record VgpuRequest(
        String requestId,
        @Nullable String clientRequestId,
        String vmId,
        VgpuSpec spec,
        VgpuState state,
        String claimId,
        boolean claimReleased,
        @Nullable String hostId,
        List<VgpuDevice> devices,
        @Nullable PendingOperation pending,
        @Nullable String failure,
        boolean destroyRequested,
        @Nullable String rebootRequired,
        @Nullable String lastError,
        @Nullable Instant attachDeadline,
        Instant createdAt,
        Instant updatedAt) {

    public VgpuRequest {
        identifier(requestId, "requestId");
        if (clientRequestId != null) {
            identifier(clientRequestId, "clientRequestId");
        }
        identifier(vmId, "vmId");
        present(spec, "spec");
        present(state, "state");
        identifier(claimId, "claimId");
        if (hostId != null) {
            validHostId(hostId, "hostId");
        }
        devices = list(devices, "devices");
        if (devices.size() != spec.count()) {
            throw new IllegalArgumentException("devices must hold one per vGPU asked (" + spec.count() + "), held "
                    + devices.size());
        }
        Set<String> uuids = new HashSet<>();
        for (VgpuDevice device : devices) {
            if (!uuids.add(device.vgpuUuid())) {
                throw new IllegalArgumentException("devices holds " + device.vgpuUuid() + " twice");
            }
        }
        present(createdAt, "createdAt");
        present(updatedAt, "updatedAt");
    }

    public boolean terminal() {
        return state == VgpuState.DESTROYED || state == VgpuState.FAILED;
    }

    public List<String> vgpuUuids() {
        return devices.stream().map(VgpuDevice::vgpuUuid).toList();
    }
}
