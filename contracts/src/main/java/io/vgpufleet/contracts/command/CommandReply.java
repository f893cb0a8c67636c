package io.vgpufleet.contracts.command;

import java.time.Instant;

/**
 * The agent's one answer to a command, keyed by host id. Exactly one of: it was done, it was refused
 * before anything was touched (invalid, another host's, expired), or it was tried and the host said no.
 */
public sealed interface CommandReply permits CommandSucceeded, CommandRejected, CommandFailed {

    String commandId();

    String hostId();

    /** The command's {@code ce_type}, so a reader knows what was answered without keeping the command. */
    String commandType();

    Instant repliedAt();
}
