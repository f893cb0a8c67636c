/**
 * Runs one {@link io.vgpufleet.inventory.claims.ledger.HostLedger} per host in Kafka Streams
 * ({@link io.vgpufleet.inventory.claims.streams.ClaimTopology}): claim commands and host snapshots are both
 * keyed by host id with 12 partitions, so the task that owns a host's partition owns its ledger and
 * serialises its claims. An adapter: may depend on the ledger, the contracts and Kafka; nothing in the
 * ledger depends on it.
 */
@NullMarked
package io.vgpufleet.inventory.claims.streams;

import org.jspecify.annotations.NullMarked;
