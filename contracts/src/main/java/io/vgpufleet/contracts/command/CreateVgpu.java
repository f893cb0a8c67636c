package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.validParams;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.validUuid;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import java.time.Instant;
import java.util.Map;

/**
 * Create a vGPU of a type on a pGPU: on mdev hosts the UUID is written to the type's {@code create}
 * file; on vendor-VFIO hosts the type id to a free VF's {@code current_vgpu_type}.
 *
 * @param parentPciBdf the pGPU (physical function) to create it on
 * @param params {@code vgpu_params} to set before the VM starts, e.g. {@code frame_rate_limiter=0}
 */
public record CreateVgpu(
        String commandId,
        String hostId,
        Instant issuedAt,
        Instant notAfter,
        String parentPciBdf,
        String typeId,
        String vgpuUuid,
        Map<String, String> params)
        implements AgentCommand {

    public CreateVgpu {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        validPciBdf(parentPciBdf, "parentPciBdf");
        vgpuTypeId(typeId, "typeId");
        validUuid(vgpuUuid, "vgpuUuid");
        params = validParams(params, "params");
    }
}
