package io.vgpufleet.contracts.claims;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validHostId;

import java.time.Instant;

/**
 * A command to the claim ledger of one host, on {@code vgpu.inventory.claim-requests.v1} keyed by host id.
 * Its outcome is a {@link ClaimChanged} carrying the same {@code commandId}, or a
 * {@link ClaimCommandRefused}.
 */
public sealed interface ClaimCommand permits ClaimCapacity, ReleaseClaim, ExtendClaim {

    /** The most seconds a claim may be granted or extended for. */
    int MAX_TTL_SECONDS = 3600;

    String commandId();

    String claimId();

    String hostId();

    Instant requestedAt();

    static void check(String commandId, String claimId, String hostId, Instant requestedAt) {
        identifier(commandId, "commandId");
        identifier(claimId, "claimId");
        validHostId(hostId, "hostId");
        present(requestedAt, "requestedAt");
    }

    static int ttl(int ttlSeconds) {
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("ttlSeconds must be 1 to " + MAX_TTL_SECONDS + ", was " + ttlSeconds);
        }
        return ttlSeconds;
    }
}
