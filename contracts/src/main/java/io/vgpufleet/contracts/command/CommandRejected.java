package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.list;

import java.time.Instant;
import java.util.List;

/** The command was refused before anything on the host was touched; every reason is listed. */
public record CommandRejected(
        String commandId, String hostId, String commandType, Instant repliedAt, List<String> reasons)
        implements CommandReply {

    public CommandRejected {
        ReplyHeader.check(commandId, hostId, commandType, repliedAt);
        reasons = list(reasons, "reasons");
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a rejection names at least one reason");
        }
    }
}
