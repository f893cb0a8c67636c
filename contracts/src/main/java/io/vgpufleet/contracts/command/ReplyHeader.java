package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/** The checks every reply's addressing fields must pass. */
final class ReplyHeader {

    private ReplyHeader() {}

    static void check(String commandId, String hostId, String commandType, Instant repliedAt) {
        identifier(commandId, "commandId");
        validHostId(hostId, "hostId");
        nonBlank(commandType, "commandType");
        present(repliedAt, "repliedAt");
    }
}
