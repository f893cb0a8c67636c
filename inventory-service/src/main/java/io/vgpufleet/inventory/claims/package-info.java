/**
 * Capacity claims: atomic, expiring reservations of vGPU capacity that any number of inventory instances
 * can grant without ever over-committing a pGPU (issue 5; ADR 0003).
 *
 * <ul>
 *   <li>{@code ledger}: the pure per-host decision (grant, refuse, confirm, expire, release); no I/O;
 *   <li>{@code streams}: the Kafka Streams topology that runs one ledger per host on the host's partition;
 *   <li>{@code api}: REST, the claim directory every instance keeps from the claim topics, and the
 *       optimistic candidate loop over the placement engine.
 * </ul>
 */
@NullMarked
package io.vgpufleet.inventory.claims;

import org.jspecify.annotations.NullMarked;
