package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.stringMap;

import java.time.Instant;
import java.util.Map;

/**
 * The command took effect (or had already taken effect under the same command id).
 *
 * @param result what the command produced, e.g. {@code vgpuUuid}, {@code virtualFunctionBdf}, or the
 *     compatibility verdict {@code compatible}, {@code migrationKinds}, {@code limit}
 */
public record CommandSucceeded(
        String commandId, String hostId, String commandType, Instant repliedAt, Map<String, String> result)
        implements CommandReply {

    public CommandSucceeded {
        ReplyHeader.check(commandId, hostId, commandType, repliedAt);
        result = stringMap(result, "result");
    }
}
