package io.vgpufleet.lifecycle.vgpus.api;

import io.vgpufleet.contracts.lifecycle.DeviceStatus;
import io.vgpufleet.contracts.lifecycle.VgpuDevice;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.lifecycle.domainxml.DomainDefinition;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A vGPU request as the API shows it.
 *
 * @param rebootRequired whether the VM must reboot (double-bit ECC error on an ECC-on pGPU); {@code rebootReason} says why
 * @param pendingOperation the request-wide step in flight (CLAIM, RELEASE_CLAIM, SUSPEND, RESUME), if any
 */
record VgpuView(
        String id,
        @Nullable String clientRequestId,
        String vmId,
        VgpuState state,
        @Nullable String hostId,
        List<Device> vgpus,
        VgpuSpec spec,
        String claimId,
        boolean claimReleased,
        @Nullable String failure,
        boolean rebootRequired,
        @Nullable String rebootReason,
        @Nullable String lastError,
        @Nullable String pendingOperation,
        Instant createdAt,
        Instant updatedAt) {

    /** One vGPU, with the QEMU arguments that attach it ({@code -device vfio-pci,sysfsdev=...}). */
    record Device(String vgpuUuid, DeviceStatus status, @Nullable String gpuUuid, @Nullable String pciBdf,
            @Nullable String typeId, int numaNode, @Nullable String virtualFunctionBdf, List<String> qemuArguments) {}

    static VgpuView of(VgpuRequest request) {
        List<Device> devices = request.devices().stream().map(device -> device(device, request.spec().console())).toList();
        return new VgpuView(request.requestId(), request.clientRequestId(), request.vmId(), request.state(),
                request.hostId(), devices, request.spec(), request.claimId(), request.claimReleased(), request.failure(),
                request.rebootRequired() != null, request.rebootRequired(), request.lastError(),
                request.pending() == null ? null : request.pending().kind().name(), request.createdAt(),
                request.updatedAt());
    }

    private static Device device(VgpuDevice device, boolean console) {
        return new Device(device.vgpuUuid(), device.status(), device.gpuUuid(), device.pciBdf(), device.typeId(),
                device.numaNode(), device.virtualFunctionBdf(), DomainDefinition.qemuArguments(
                        new DomainDefinition.Device(device.vgpuUuid(), device.virtualFunctionBdf()), console));
    }
}
