package io.vgpufleet.contracts.host;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.validParams;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.validUuid;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A vGPU that exists on a host.
 *
 * @param uuid the mdev UUID; on vendor-VFIO hosts the vGPU instance UUID
 * @param gpuUuid the pGPU it lives on
 * @param virtualFunctionBdf the VF that carries it (vendor-VFIO hosts only)
 * @param vmId the VM that has it attached, where the hypervisor says so
 * @param params the {@code nvidia/vgpu_params} in force
 * @param migrationVersion the device's {@code migration_version}, where the host has one
 * @param vmState whether the VM holding it runs, where the host's hypervisor says (absent without a VM)
 */
public record Vgpu(
        String uuid,
        String gpuUuid,
        String typeId,
        @Nullable String virtualFunctionBdf,
        @Nullable String vmId,
        Map<String, String> params,
        @Nullable String migrationVersion,
        @Nullable VmRunState vmState) {

    /** A vGPU whose VM's run state is not known (no VM, or a host that does not ask its hypervisor). */
    public Vgpu(String uuid, String gpuUuid, String typeId, @Nullable String virtualFunctionBdf, @Nullable String vmId,
            Map<String, String> params, @Nullable String migrationVersion) {
        this(uuid, gpuUuid, typeId, virtualFunctionBdf, vmId, params, migrationVersion, null);
    }

    public Vgpu {
        validUuid(uuid, "uuid");
        validGpuUuid(gpuUuid, "gpuUuid");
        vgpuTypeId(typeId, "typeId");
        if (virtualFunctionBdf != null) {
            validPciBdf(virtualFunctionBdf, "virtualFunctionBdf");
        }
        if (vmId != null) {
            identifier(vmId, "vmId");
        }
        params = validParams(params, "params");
        if (vmState != null && vmId == null) {
            throw new IllegalArgumentException("vmState " + vmState + " needs the vmId of the VM it describes");
        }
    }
}
