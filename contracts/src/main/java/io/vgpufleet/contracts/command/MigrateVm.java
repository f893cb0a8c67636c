package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.validUuid;

import java.time.Instant;

/**
 * Live-migrate a VM from this (source) host to the target through the hypervisor, its vGPU onto the
 * target vGPU prepared by {@link PrepareMigrationTarget}.
 */
public record MigrateVm(
        String commandId,
        String hostId,
        Instant issuedAt,
        Instant notAfter,
        String vmId,
        String sourceVgpuUuid,
        String targetHostId,
        String targetVgpuUuid)
        implements AgentCommand {

    public MigrateVm {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        identifier(vmId, "vmId");
        validUuid(sourceVgpuUuid, "sourceVgpuUuid");
        validHostId(targetHostId, "targetHostId");
        validUuid(targetVgpuUuid, "targetVgpuUuid");
        if (hostId.equals(targetHostId)) {
            throw new IllegalArgumentException("targetHostId must differ from the source host " + hostId);
        }
    }
}
