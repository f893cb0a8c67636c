/**
 * The claim ledger of one host as plain values: {@link io.vgpufleet.inventory.claims.ledger.HostLedger}
 * takes commands, snapshots and the clock and answers the new ledger with the claim changes or a refusal.
 * Depends on the contracts' records only: no Kafka, Spring or I/O (checked by {@code ClaimsPurityTest}).
 */
@NullMarked
package io.vgpufleet.inventory.claims.ledger;

import org.jspecify.annotations.NullMarked;
