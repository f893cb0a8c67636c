package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.validUuid;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import java.time.Instant;

/** Create the vGPU that an incoming VM will take on this (target) host. */
public record PrepareMigrationTarget(
        String commandId,
        String hostId,
        Instant issuedAt,
        Instant notAfter,
        String parentPciBdf,
        String typeId,
        String vgpuUuid,
        String vmId)
        implements AgentCommand {

    public PrepareMigrationTarget {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        validPciBdf(parentPciBdf, "parentPciBdf");
        vgpuTypeId(typeId, "typeId");
        validUuid(vgpuUuid, "vgpuUuid");
        identifier(vmId, "vmId");
    }
}
