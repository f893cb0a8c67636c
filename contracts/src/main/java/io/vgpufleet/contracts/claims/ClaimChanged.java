package io.vgpufleet.contracts.claims;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validHostId;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A claim as it is after a change (granted, extended, confirmed, released, expired), written by the
 * host's claim ledger to the compacted {@code vgpu.inventory.claims.v1}, keyed by claim id: the latest
 * record of a claim is its state.
 *
 * @param previous absent when the claim was just granted (or a repeated request re-announces it)
 * @param commandId the command that caused the change; absent for expiry and for changes a snapshot caused
 * @param reason why, in words: {@code granted}, {@code expired}, {@code vGPUs seen in snapshot}, ...
 */
public record ClaimChanged(
        String claimId,
        ClaimState state,
        @Nullable ClaimState previous,
        String hostId,
        String vmId,
        String requester,
        List<ClaimItem> items,
        Instant createdAt,
        Instant expiresAt,
        Instant changedAt,
        @Nullable String commandId,
        String reason) {

    public ClaimChanged {
        identifier(claimId, "claimId");
        present(state, "state");
        validHostId(hostId, "hostId");
        identifier(vmId, "vmId");
        identifier(requester, "requester");
        items = list(items, "items");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("items must hold at least one vGPU");
        }
        present(createdAt, "createdAt");
        present(expiresAt, "expiresAt");
        present(changedAt, "changedAt");
        if (commandId != null) {
            identifier(commandId, "commandId");
        }
        nonBlank(reason, "reason");
    }
}
