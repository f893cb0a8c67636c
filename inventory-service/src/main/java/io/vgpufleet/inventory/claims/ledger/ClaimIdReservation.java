package io.vgpufleet.inventory.claims.ledger;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The host a claim id is reserved for, and the claims for it on their way to that host's ledger: the rule that
 * lets one claim id be granted on one host at most, fleet-wide. A host's ledger dedupes only its own claims;
 * every request for an id passes through the id's reservation first (one partition per claim id), which sends
 * it on to the ledger only when the id is free or reserved for that same host.
 *
 * <ul>
 *   <li>{@link #reserve}: free id: reserved for the claim's host, the claim goes on; same host: goes on (the
 *       ledger answers the claim it holds, or decides); another host: refused {@code CLAIM_ID_HELD} naming it.
 *   <li>{@link #changed}: an active claim of the reserved host marks the id granted; a final one (RELEASED,
 *       EXPIRED) frees it unless more claims for it are on their way there; an active claim with no reservation
 *       (claims granted before reservations existed) reserves the id for its host.
 *   <li>{@link #refused}: the ledger refused a claim on its way: when nothing else is on its way and nothing
 *       was granted, the id is free again (the same POST tries its next candidate with the same id).
 * </ul>
 *
 * @param hostId the host the id is reserved for
 * @param pending the command ids of claims sent to that host's ledger and not yet decided
 * @param granted whether that host's ledger holds the claim active
 */
public record ClaimIdReservation(String claimId, String hostId, List<String> pending, boolean granted) {

    /** The most undecided commands remembered; older ones are dropped (their outcome then frees nothing). */
    static final int MAX_PENDING = 16;

    public ClaimIdReservation {
        pending = List.copyOf(pending);
    }

    /** What to do with a claim: pass it on (with the reservation to store) or refuse it. */
    public sealed interface Decision permits Forward, Refuse {}

    public record Forward(ClaimIdReservation reservation) implements Decision {}

    public record Refuse(ClaimCommandRefused refusal) implements Decision {}

    public static Decision reserve(@Nullable ClaimIdReservation held, ClaimCapacity claim, String ceType, Instant now) {
        if (held == null) {
            return new Forward(new ClaimIdReservation(claim.claimId(), claim.hostId(), List.of(claim.commandId()), false));
        }
        if (held.hostId.equals(claim.hostId())) {
            return new Forward(held.withPending(claim.commandId()));
        }
        return new Refuse(new ClaimCommandRefused(claim.commandId(), claim.claimId(), claim.hostId(), ceType,
                List.of(new ClaimCommandRefused.Reason(null, RefusalCode.CLAIM_ID_HELD.name(), "claim id "
                        + claim.claimId() + " is " + (held.granted ? "granted" : "being claimed") + " on host "
                        + held.hostId)), now));
    }

    /** The reservation after the claim topic's record of the id; null when the id is free. */
    public static @Nullable ClaimIdReservation changed(@Nullable ClaimIdReservation held, ClaimChanged change) {
        if (held == null) {
            return change.state().active()
                    ? new ClaimIdReservation(change.claimId(), change.hostId(), List.of(), true)
                    : null;
        }
        if (!held.hostId.equals(change.hostId())) {
            // another host's record of the id: a double grant from before reservations; the reserved host keeps it
            return held;
        }
        List<String> pending = new ArrayList<>(held.pending);
        pending.remove(change.commandId());
        if (change.state().active()) {
            return new ClaimIdReservation(held.claimId, held.hostId, pending, true);
        }
        return pending.isEmpty() ? null : new ClaimIdReservation(held.claimId, held.hostId, pending, false);
    }

    /** The reservation after a refusal of a claim for the id; null when the id is free. */
    public static @Nullable ClaimIdReservation refused(@Nullable ClaimIdReservation held, ClaimCommandRefused refusal) {
        if (held == null || !held.pending.contains(refusal.commandId())) {
            // not a claim on its way to the reserved host: a release or extension, or a refusal of this step's own
            return held;
        }
        List<String> pending = new ArrayList<>(held.pending);
        pending.remove(refusal.commandId());
        return pending.isEmpty() && !held.granted ? null
                : new ClaimIdReservation(held.claimId, held.hostId, pending, held.granted);
    }

    private ClaimIdReservation withPending(String commandId) {
        List<String> more = new ArrayList<>(pending);
        more.add(commandId);
        if (more.size() > MAX_PENDING) {
            more.remove(0);
        }
        return new ClaimIdReservation(claimId, hostId, more, granted);
    }
}
