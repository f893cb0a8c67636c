package io.vgpufleet.contracts.claims;

import java.time.Instant;

/** Keep a GRANTED claim for {@code ttlSeconds} from when the ledger takes the command. */
public record ExtendClaim(String commandId, String claimId, String hostId, int ttlSeconds, Instant requestedAt)
        implements ClaimCommand {

    public ExtendClaim {
        ClaimCommand.check(commandId, claimId, hostId, requestedAt);
        ClaimCommand.ttl(ttlSeconds);
    }
}
