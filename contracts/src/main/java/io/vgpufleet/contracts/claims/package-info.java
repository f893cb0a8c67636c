/**
 * Capacity claims: the commands inventory-service's REST adapter sends to the per-host claim ledger
 * ({@link io.vgpufleet.contracts.claims.ClaimCommand}, keyed by host id so that one partition serialises
 * a host's claims), the claim's state as it changes ({@link io.vgpufleet.contracts.claims.ClaimChanged},
 * compacted by claim id) and a refused command ({@link io.vgpufleet.contracts.claims.ClaimCommandRefused}).
 */
@NullMarked
package io.vgpufleet.contracts.claims;

import org.jspecify.annotations.NullMarked;
