/**
 * Claims over HTTP ({@code /api/v1/claims}) and what every instance needs to serve any claim: the
 * {@link io.vgpufleet.inventory.claims.api.ClaimDirectory} (every claim's latest state, read whole from
 * the compacted claim topic by every instance, plus the refusals and the commands this instance has in
 * flight) and {@link io.vgpufleet.inventory.claims.api.ClaimService}, the optimistic loop: placement
 * candidates, checked against the directory with the ledger's own rules, sent one at a time to the
 * host's ledger until one is granted. An adapter: may depend on the ledger, placement, the fleet view,
 * Spring and service-support.
 */
@NullMarked
package io.vgpufleet.inventory.claims.api;

import org.jspecify.annotations.NullMarked;
