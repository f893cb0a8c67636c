package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.identifier;

import java.time.Instant;

/**
 * Pause a running VM (libvirt {@code virsh suspend}): its vCPUs stop, its memory and devices stay. The
 * reply's result names {@code vmId} and its {@code vmState} after the command.
 */
public record SuspendVm(String commandId, String hostId, Instant issuedAt, Instant notAfter, String vmId)
        implements AgentCommand {

    public SuspendVm {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        identifier(vmId, "vmId");
    }
}
