package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.nonBlank;

import java.time.Instant;

/**
 * The command was tried and the host refused it.
 *
 * @param errorCode the host's own code: a kernel errno name ({@code EEXIST}, {@code EINVAL}, {@code ENODEV},
 *     {@code EUSERS}), an NVML return code name, or a hypervisor error
 */
public record CommandFailed(
        String commandId, String hostId, String commandType, Instant repliedAt, String errorCode, String message)
        implements CommandReply {

    public CommandFailed {
        ReplyHeader.check(commandId, hostId, commandType, repliedAt);
        nonBlank(errorCode, "errorCode");
        nonBlank(message, "message");
    }
}
