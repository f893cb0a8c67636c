package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/** The checks every command's addressing fields must pass. */
final class CommandHeader {

    private CommandHeader() {}

    static void check(String commandId, String hostId, Instant issuedAt, Instant notAfter) {
        identifier(commandId, "commandId");
        validHostId(hostId, "hostId");
        present(issuedAt, "issuedAt");
        present(notAfter, "notAfter");
        if (notAfter.isBefore(issuedAt)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is before issuedAt " + issuedAt);
        }
    }
}
