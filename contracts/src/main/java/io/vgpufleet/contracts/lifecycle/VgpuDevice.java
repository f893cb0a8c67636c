package io.vgpufleet.contracts.lifecycle;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.validUuid;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import io.vgpufleet.contracts.host.EccMode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One vGPU of a request: where the claim put it, and the host command in flight for it.
 *
 * @param virtualFunctionBdf the VF that carries it on a vendor-VFIO host, once a snapshot shows it
 * @param eccMode of its pGPU, once a snapshot shows it
 * @param commandId the command in flight for it (create or remove); absent when none is
 * @param attempts how many times the command in flight was sent
 * @param deadline when the command in flight is given up and sent again (or the step fails)
 * @param commandIssuedAt when the command in flight was sent
 */
public record VgpuDevice(
        String vgpuUuid,
        DeviceStatus status,
        @Nullable String gpuUuid,
        @Nullable String pciBdf,
        @Nullable String typeId,
        int numaNode,
        @Nullable String virtualFunctionBdf,
        EccMode eccMode,
        @Nullable String commandId,
        int attempts,
        @Nullable Instant deadline,
        @Nullable Instant commandIssuedAt) {

    public VgpuDevice {
        validUuid(vgpuUuid, "vgpuUuid");
        present(status, "status");
        if (gpuUuid != null) {
            validGpuUuid(gpuUuid, "gpuUuid");
        }
        if (pciBdf != null) {
            validPciBdf(pciBdf, "pciBdf");
        }
        if (typeId != null) {
            vgpuTypeId(typeId, "typeId");
        }
        if (numaNode < -1) {
            throw new IllegalArgumentException("numaNode must be -1 or a node number, was " + numaNode);
        }
        if (virtualFunctionBdf != null) {
            validPciBdf(virtualFunctionBdf, "virtualFunctionBdf");
        }
        present(eccMode, "eccMode");
        if (commandId != null) {
            identifier(commandId, "commandId");
        }
        nonNegative(attempts, "attempts");
    }

    /** A vGPU UUID chosen before placement. */
    public static VgpuDevice planned(String vgpuUuid) {
        return new VgpuDevice(vgpuUuid, DeviceStatus.PLANNED, null, null, null, -1, null, EccMode.UNKNOWN, null, 0, null,
                null);
    }

    public VgpuDevice withStatus(DeviceStatus next) {
        return new VgpuDevice(vgpuUuid, next, gpuUuid, pciBdf, typeId, numaNode, virtualFunctionBdf, eccMode, commandId,
                attempts, deadline, commandIssuedAt);
    }

    /** The device with no command in flight. */
    public VgpuDevice settled(DeviceStatus next) {
        return new VgpuDevice(vgpuUuid, next, gpuUuid, pciBdf, typeId, numaNode, virtualFunctionBdf, eccMode, null, 0, null,
                null);
    }

    public VgpuDevice placed(String gpu, String bdf, String type, int numa) {
        return new VgpuDevice(vgpuUuid, status, gpu, bdf, type, numa, virtualFunctionBdf, eccMode, commandId, attempts,
                deadline, commandIssuedAt);
    }

    public VgpuDevice observed(@Nullable String vf, EccMode ecc) {
        return new VgpuDevice(vgpuUuid, status, gpuUuid, pciBdf, typeId, numaNode, vf, ecc, commandId, attempts, deadline,
                commandIssuedAt);
    }

    public VgpuDevice commanded(DeviceStatus next, String command, int attempt, Instant issuedAt, Instant until) {
        return new VgpuDevice(vgpuUuid, next, gpuUuid, pciBdf, typeId, numaNode, virtualFunctionBdf, eccMode, command,
                attempt, until, issuedAt);
    }
}
