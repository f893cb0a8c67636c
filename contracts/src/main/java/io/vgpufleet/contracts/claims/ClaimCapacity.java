package io.vgpufleet.contracts.claims;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reserve these vGPUs on this host, all or none, for {@code ttlSeconds}. A claim id the ledger already
 * holds is answered with the claim as it is (idempotent), whatever the items.
 *
 * @param items one per vGPU, at most 16, with distinct vGPU UUIDs
 */
public record ClaimCapacity(
        String commandId,
        String claimId,
        String hostId,
        String vmId,
        String requester,
        int ttlSeconds,
        List<ClaimItem> items,
        Instant requestedAt) implements ClaimCommand {

    /** The most vGPUs one claim may hold (as many as one VM may ask for). */
    public static final int MAX_ITEMS = 16;

    public ClaimCapacity {
        ClaimCommand.check(commandId, claimId, hostId, requestedAt);
        identifier(vmId, "vmId");
        identifier(requester, "requester");
        ClaimCommand.ttl(ttlSeconds);
        items = list(items, "items");
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("items must hold 1 to " + MAX_ITEMS + " vGPUs, held " + items.size());
        }
        Set<String> uuids = new HashSet<>();
        for (ClaimItem item : items) {
            if (!uuids.add(item.vgpuUuid())) {
                throw new IllegalArgumentException("items name vGPU " + item.vgpuUuid() + " twice");
            }
        }
    }
}
