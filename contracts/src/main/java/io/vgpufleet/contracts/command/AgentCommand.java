package io.vgpufleet.contracts.command;

import java.time.Instant;

/**
 * A command to the node agent of one host, published keyed by that host's id. The agent executes a
 * command at most once per {@link #commandId()} (a repeat is answered with the first outcome), refuses
 * commands addressed to another host, and refuses commands past {@link #notAfter()}.
 */
public sealed interface AgentCommand
        permits CreateVgpu,
                RemoveVgpu,
                SetVgpuParams,
                CheckMigrationCompatibility,
                PrepareMigrationTarget,
                MigrateVm,
                SuspendVm,
                ResumeVm {

    String commandId();

    String hostId();

    Instant issuedAt();

    /** After this instant the agent rejects the command instead of executing it late. */
    Instant notAfter();
}
