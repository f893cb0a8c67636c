package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.identifier;

import java.time.Instant;

/**
 * Let a paused VM run again (libvirt {@code virsh resume}). The reply's result names {@code vmId} and its
 * {@code vmState} after the command.
 */
public record ResumeVm(String commandId, String hostId, Instant issuedAt, Instant notAfter, String vmId)
        implements AgentCommand {

    public ResumeVm {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        identifier(vmId, "vmId");
    }
}
