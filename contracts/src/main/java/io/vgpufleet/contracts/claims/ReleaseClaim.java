package io.vgpufleet.contracts.claims;

import static io.vgpufleet.contracts.Checks.nonBlank;

import java.time.Instant;

/** Give the claim's capacity back (the caller has destroyed, or will not create, its vGPUs). */
public record ReleaseClaim(String commandId, String claimId, String hostId, String reason, Instant requestedAt)
        implements ClaimCommand {

    public ReleaseClaim {
        ClaimCommand.check(commandId, claimId, hostId, requestedAt);
        nonBlank(reason, "reason");
    }
}
