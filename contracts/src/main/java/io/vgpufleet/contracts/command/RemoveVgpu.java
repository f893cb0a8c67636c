package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;

/** Remove a vGPU and its persisted definition from the host. */
public record RemoveVgpu(String commandId, String hostId, Instant issuedAt, Instant notAfter, String vgpuUuid)
        implements AgentCommand {

    public RemoveVgpu {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        validUuid(vgpuUuid, "vgpuUuid");
    }
}
