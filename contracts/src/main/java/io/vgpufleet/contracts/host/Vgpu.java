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
 * @param nvmlMetadataBase64 the vGPU's {@code nvmlVgpuInstanceGetMetadata} blob (base64), where NVML gives
 *     one: what a migration target's agent checks with {@code nvmlGetVgpuCompatibility}
 */
public record Vgpu(
        String uuid,
        String gpuUuid,
        String typeId,
        @Nullable String virtualFunctionBdf,
        @Nullable String vmId,
        Map<String, String> params,
        @Nullable String migrationVersion,
        @Nullable VmRunState vmState,
        @Nullable String nvmlMetadataBase64) {

    /** A vGPU whose VM's run state is not known and without NVML migration metadata. */
    public Vgpu(String uuid, String gpuUuid, String typeId, @Nullable String virtualFunctionBdf, @Nullable String vmId,
            Map<String, String> params, @Nullable String migrationVersion) {
        this(uuid, gpuUuid, typeId, virtualFunctionBdf, vmId, params, migrationVersion, null, null);
    }

    /** A vGPU whose VM's run state is known, without NVML migration metadata. */
    public Vgpu(String uuid, String gpuUuid, String typeId, @Nullable String virtualFunctionBdf, @Nullable String vmId,
            Map<String, String> params, @Nullable String migrationVersion, @Nullable VmRunState vmState) {
        this(uuid, gpuUuid, typeId, virtualFunctionBdf, vmId, params, migrationVersion, vmState, null);
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
        if (nvmlMetadataBase64 != null) {
            if (nvmlMetadataBase64.length() > 16384) {
                throw new IllegalArgumentException("nvmlMetadataBase64 must hold at most 16384 characters");
            }
            try {
                java.util.Base64.getDecoder().decode(nvmlMetadataBase64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("nvmlMetadataBase64 is not base64: " + e.getMessage());
            }
        }
    }
}
