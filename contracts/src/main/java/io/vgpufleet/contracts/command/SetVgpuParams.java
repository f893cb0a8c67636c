package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.validParams;
import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;
import java.util.Map;

/** Write {@code nvidia/vgpu_params} of a vGPU; the driver applies them at the next VM start. */
public record SetVgpuParams(
        String commandId, String hostId, Instant issuedAt, Instant notAfter, String vgpuUuid, Map<String, String> params)
        implements AgentCommand {

    public SetVgpuParams {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        validUuid(vgpuUuid, "vgpuUuid");
        params = validParams(params, "params");
        if (params.isEmpty()) {
            throw new IllegalArgumentException("params must name at least one parameter");
        }
    }
}
