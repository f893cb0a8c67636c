package io.vgpufleet.contracts.claims;

import static io.vgpufleet.contracts.Checks.present;

/**
 * Asks for a claim through the claim id's reservation: on {@code vgpu.inventory.claim-reservations.v1} keyed by
 * claim id, so that one partition serialises every request for an id whatever host each one names. The
 * reservation step passes {@code claim} on to its host's ledger when the id is free or held for that same
 * host, and refuses it ({@link ClaimCommandRefused} with code {@code CLAIM_ID_HELD}, keyed by claim id) when
 * the id is held for another host: one claim id is granted on one host at most.
 */
public record ReserveClaimId(ClaimCapacity claim) {

    public ReserveClaimId {
        present(claim, "claim");
    }
}
