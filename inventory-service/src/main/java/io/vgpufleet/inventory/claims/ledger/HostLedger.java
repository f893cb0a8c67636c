package io.vgpufleet.inventory.claims.ledger;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimCommandRefused.Reason;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ExtendClaim;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import io.vgpufleet.contracts.host.HostSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The claims of one host and the capacity its latest snapshot reports: an immutable value; every
 * operation answers an {@link Outcome} with the next ledger. The rules:
 *
 * <ul>
 *   <li><b>grant</b> all items of a claim or none. For each pGPU and type the claim asks for: the type is
 *       listed; on a homogeneous pGPU no other type is resident, pending (granted but not yet in the
 *       snapshot) or asked for alongside; resident plus pending plus asked stays within the type's
 *       maximum; the snapshot's available instances minus pending cover the ask (on a heterogeneous pGPU
 *       the pending of every type count, converted by framebuffer, rounded up). No vGPU UUID of the claim
 *       is on the host or in another active claim. A claim id held already is answered as it is;
 *   <li><b>confirm</b> a GRANTED claim when a snapshot shows all of its vGPUs: from then on the snapshot
 *       accounts for them, and the claim does not expire. Items already in the snapshot stop counting as
 *       pending one by one, so nothing is counted twice;
 *   <li><b>release</b> on request, or when a snapshot no longer shows any vGPU of a CONFIRMED claim;
 *   <li><b>expire</b> a GRANTED claim at its {@code expiresAt}; <b>extend</b> only a GRANTED one.
 * </ul>
 *
 * A snapshot older than the one held is ignored. Lifecycle of a claim:
 * <pre>{@code
 * GRANTED --snapshot shows all vGPUs--> CONFIRMED --vGPUs gone from snapshot, or release--> RELEASED
 *    |--release--> RELEASED
 *    +--expiresAt passed--> EXPIRED
 * }</pre>
 *
 * @param capacity absent until the host's first snapshot: the ledger then refuses every claim
 * @param claims the active (GRANTED or CONFIRMED) claims, oldest first
 */
public record HostLedger(String hostId, @Nullable Capacity capacity, List<ClaimChanged> claims) {

    public HostLedger {
        claims = List.copyOf(claims);
    }

    /** What an operation did: the next ledger, the claims it changed (in order), or why it refused. */
    public record Outcome(HostLedger ledger, List<ClaimChanged> changes, Optional<ClaimCommandRefused> refusal) {

        static Outcome unchanged(HostLedger ledger) {
            return new Outcome(ledger, List.of(), Optional.empty());
        }
    }

    public static HostLedger empty(String hostId) {
        return new HostLedger(hostId, null, List.of());
    }

    public Optional<ClaimChanged> claim(String claimId) {
        return claims.stream().filter(claim -> claim.claimId().equals(claimId)).findFirst();
    }

    /** The earliest {@code expiresAt} of a GRANTED claim, if any. */
    public Optional<Instant> nextExpiry() {
        return claims.stream().filter(claim -> claim.state() == ClaimState.GRANTED).map(ClaimChanged::expiresAt)
                .min(Instant::compareTo);
    }

    public Outcome claim(ClaimCapacity command, String ceType, Instant now) {
        Optional<ClaimChanged> held = claim(command.claimId());
        if (held.isPresent()) {
            ClaimChanged again = change(held.get(), held.get().state(), held.get().expiresAt(), now, command.commandId(),
                    "repeated request: the claim as it is");
            return new Outcome(this, List.of(again), Optional.empty());
        }
        List<Reason> reasons = check(command.items());
        if (!reasons.isEmpty()) {
            return refuse(command.commandId(), command.claimId(), ceType, reasons, now);
        }
        ClaimChanged granted = new ClaimChanged(command.claimId(), ClaimState.GRANTED, null, hostId, command.vmId(),
                command.requester(), command.items(), now, now.plusSeconds(command.ttlSeconds()), now,
                command.commandId(), "granted");
        List<ClaimChanged> next = new ArrayList<>(claims);
        next.add(granted);
        return new Outcome(new HostLedger(hostId, capacity, next), List.of(granted), Optional.empty());
    }

    public Outcome release(ReleaseClaim command, String ceType, Instant now) {
        Optional<ClaimChanged> held = claim(command.claimId());
        if (held.isEmpty()) {
            return refuse(command.commandId(), command.claimId(), ceType, List.of(new Reason(null,
                    RefusalCode.UNKNOWN_CLAIM.name(), "no active claim " + command.claimId() + " on " + hostId)), now);
        }
        ClaimChanged released = change(held.get(), ClaimState.RELEASED, held.get().expiresAt(), now,
                command.commandId(), "released: " + command.reason());
        return new Outcome(without(command.claimId()), List.of(released), Optional.empty());
    }

    public Outcome extend(ExtendClaim command, String ceType, Instant now) {
        Optional<ClaimChanged> held = claim(command.claimId());
        if (held.isEmpty()) {
            return refuse(command.commandId(), command.claimId(), ceType, List.of(new Reason(null,
                    RefusalCode.UNKNOWN_CLAIM.name(), "no active claim " + command.claimId() + " on " + hostId)), now);
        }
        if (held.get().state() != ClaimState.GRANTED) {
            return refuse(command.commandId(), command.claimId(), ceType, List.of(new Reason(null,
                    RefusalCode.NOT_GRANTED.name(), "claim " + command.claimId() + " is " + held.get().state()
                            + "; only a GRANTED claim can be extended")), now);
        }
        ClaimChanged extended = change(held.get(), ClaimState.GRANTED, now.plusSeconds(command.ttlSeconds()), now,
                command.commandId(), "extended by " + command.ttlSeconds() + " s");
        return new Outcome(replaced(extended), List.of(extended), Optional.empty());
    }

    /**
     * Takes a snapshot of the host in: confirms claims whose vGPUs it shows, releases confirmed ones it no longer
     * shows. A snapshot that changes neither a claim nor the capacity (a heartbeat) leaves the ledger as it is,
     * its capacity still dated by the last snapshot that changed it: a host's snapshots arrive in order on its
     * partition, so any older one replayed later is older than that one too.
     */
    public Outcome snapshot(HostSnapshot snapshot, Instant now) {
        if (capacity != null && capacity.isNewerThan(snapshot.observedAt(), snapshot.sequence())) {
            return Outcome.unchanged(this);
        }
        Capacity next = Capacity.of(snapshot);
        List<ClaimChanged> kept = new ArrayList<>(claims.size());
        List<ClaimChanged> changes = new ArrayList<>();
        for (ClaimChanged claim : claims) {
            long shown = claim.items().stream().filter(item -> next.vgpuUuids().contains(item.vgpuUuid())).count();
            if (claim.state() == ClaimState.GRANTED && shown == claim.items().size()) {
                ClaimChanged confirmed = change(claim, ClaimState.CONFIRMED, claim.expiresAt(), now, null,
                        "vGPUs seen in snapshot");
                kept.add(confirmed);
                changes.add(confirmed);
            } else if (claim.state() == ClaimState.CONFIRMED && shown == 0) {
                changes.add(change(claim, ClaimState.RELEASED, claim.expiresAt(), now, null,
                        "vGPUs left the snapshot"));
            } else {
                kept.add(claim);
            }
        }
        if (changes.isEmpty() && capacity != null && next.gpus().equals(capacity.gpus())
                && next.vgpuUuids().equals(capacity.vgpuUuids())) {
            // a heartbeat: nothing the ledger decides with moved, so nothing is stored or written again
            return Outcome.unchanged(this);
        }
        return new Outcome(new HostLedger(hostId, next, kept), changes, Optional.empty());
    }

    /** Expires every GRANTED claim whose {@code expiresAt} is not after {@code now}. */
    public Outcome expire(Instant now) {
        List<ClaimChanged> kept = new ArrayList<>(claims.size());
        List<ClaimChanged> changes = new ArrayList<>();
        for (ClaimChanged claim : claims) {
            if (claim.state() == ClaimState.GRANTED && !claim.expiresAt().isAfter(now)) {
                changes.add(change(claim, ClaimState.EXPIRED, claim.expiresAt(), now, null, "expired"));
            } else {
                kept.add(claim);
            }
        }
        return changes.isEmpty() ? Outcome.unchanged(this)
                : new Outcome(new HostLedger(hostId, capacity, kept), changes, Optional.empty());
    }

    /** A ledger with a claim added as if granted, without checking: for callers that mirror claims in flight. */
    public HostLedger with(ClaimChanged claim) {
        List<ClaimChanged> next = new ArrayList<>(claims);
        next.add(claim);
        return new HostLedger(hostId, capacity, next);
    }

    /**
     * Why these items cannot be granted now; empty when they can. Every pGPU and type of the claim is
     * checked, so a refusal lists every reason, not the first.
     */
    public List<Reason> check(List<ClaimItem> items) {
        if (capacity == null) {
            return List.of(new Reason(null, RefusalCode.NO_SNAPSHOT.name(), "no snapshot of host " + hostId + " yet"));
        }
        List<Reason> reasons = new ArrayList<>();
        // only the asked pGPUs' pending counts and the asked vGPU UUIDs matter: a packed host holds up to a
        // hundred claims, and this runs for every candidate of every request and every command
        Set<String> askedGpus = new HashSet<>();
        Set<String> askedUuids = new HashSet<>();
        for (ClaimItem item : items) {
            askedGpus.add(item.gpuUuid());
            askedUuids.add(item.vgpuUuid());
        }
        Set<String> claimedUuids = new HashSet<>();
        Map<String, Map<String, Integer>> pending = new HashMap<>();
        for (ClaimChanged claim : claims) {
            for (ClaimItem item : claim.items()) {
                if (askedUuids.contains(item.vgpuUuid())) {
                    claimedUuids.add(item.vgpuUuid());
                }
                if (askedGpus.contains(item.gpuUuid()) && !capacity.vgpuUuids().contains(item.vgpuUuid())) {
                    pending.computeIfAbsent(item.gpuUuid(), g -> new HashMap<>()).merge(item.typeId(), 1, Integer::sum);
                }
            }
        }
        Map<String, Map<String, Integer>> asked = new LinkedHashMap<>();
        for (ClaimItem item : items) {
            if (capacity.vgpuUuids().contains(item.vgpuUuid()) || claimedUuids.contains(item.vgpuUuid())) {
                reasons.add(new Reason(item.gpuUuid(), RefusalCode.VGPU_UUID_IN_USE.name(),
                        "vGPU " + item.vgpuUuid() + " is on the host or held by another claim"));
            }
            asked.computeIfAbsent(item.gpuUuid(), g -> new LinkedHashMap<>()).merge(item.typeId(), 1, Integer::sum);
        }
        for (Map.Entry<String, Map<String, Integer>> perGpu : asked.entrySet()) {
            String gpuUuid = perGpu.getKey();
            Capacity.GpuCapacity gpu = capacity.gpus().get(gpuUuid);
            if (gpu == null) {
                reasons.add(new Reason(gpuUuid, RefusalCode.UNKNOWN_GPU.name(), "host " + hostId + " reports no such pGPU"));
                continue;
            }
            Map<String, Integer> pendingHere = pending.getOrDefault(gpuUuid, Map.of());
            for (Map.Entry<String, Integer> ask : perGpu.getValue().entrySet()) {
                reasons.addAll(checkType(gpuUuid, gpu, pendingHere, perGpu.getValue().keySet(), ask.getKey(), ask.getValue()));
            }
        }
        return reasons;
    }

    private static List<Reason> checkType(String gpuUuid, Capacity.GpuCapacity gpu, Map<String, Integer> pending,
            Set<String> askedTypes, String type, int n) {
        Capacity.TypeLimit limit = gpu.types().get(type);
        if (limit == null) {
            return List.of(new Reason(gpuUuid, RefusalCode.TYPE_NOT_SUPPORTED.name(), "the pGPU does not list type " + type));
        }
        if (!gpu.heterogeneous()) {
            Set<String> others = new TreeSet<>();
            gpu.resident().forEach((t, count) -> {
                if (count > 0) {
                    others.add(t);
                }
            });
            pending.forEach((t, count) -> {
                if (count > 0) {
                    others.add(t);
                }
            });
            others.addAll(askedTypes);
            others.remove(type);
            if (!others.isEmpty()) {
                return List.of(new Reason(gpuUuid, RefusalCode.OTHER_TYPE_RESIDENT.name(),
                        "homogeneous pGPU holds, has granted or is asked for other types " + others + " than " + type));
            }
        }
        int resident = gpu.resident().getOrDefault(type, 0);
        int pendingOfType = pending.getOrDefault(type, 0);
        if (resident + pendingOfType + n > limit.max()) {
            return List.of(new Reason(gpuUuid, RefusalCode.MAX_INSTANCES.name(), type + ": " + resident + " resident + "
                    + pendingOfType + " granted + " + n + " asked > " + limit.max() + " per pGPU"));
        }
        int used = gpu.heterogeneous() ? pendingUnits(gpu, pending, limit) : pendingOfType;
        if (limit.available() - used < n) {
            return List.of(new Reason(gpuUuid, RefusalCode.NO_CAPACITY.name(), type + ": " + limit.available()
                    + " available - " + used + " granted < " + n + " asked"));
        }
        return List.of();
    }

    /** On a heterogeneous pGPU, pending vGPUs of every type in instances of this type's size, rounded up. */
    private static int pendingUnits(Capacity.GpuCapacity gpu, Map<String, Integer> pending, Capacity.TypeLimit limit) {
        long framebuffer = 0;
        int count = 0;
        for (Map.Entry<String, Integer> entry : pending.entrySet()) {
            Capacity.TypeLimit other = gpu.types().get(entry.getKey());
            framebuffer += (other == null ? limit.framebufferMib() : other.framebufferMib()) * entry.getValue();
            count += entry.getValue();
        }
        if (limit.framebufferMib() <= 0) {
            return count;
        }
        return (int) Math.min(Integer.MAX_VALUE, (framebuffer + limit.framebufferMib() - 1) / limit.framebufferMib());
    }

    private Outcome refuse(String commandId, String claimId, String ceType, List<Reason> reasons, Instant now) {
        return new Outcome(this, List.of(), Optional.of(new ClaimCommandRefused(commandId, claimId, hostId, ceType,
                reasons, now)));
    }

    private HostLedger without(String claimId) {
        return new HostLedger(hostId, capacity, claims.stream().filter(claim -> !claim.claimId().equals(claimId)).toList());
    }

    private HostLedger replaced(ClaimChanged claim) {
        return new HostLedger(hostId, capacity, claims.stream()
                .map(held -> held.claimId().equals(claim.claimId()) ? claim : held).toList());
    }

    private static ClaimChanged change(ClaimChanged claim, ClaimState state, Instant expiresAt, Instant now,
            @Nullable String commandId, String reason) {
        return new ClaimChanged(claim.claimId(), state, claim.state(), claim.hostId(), claim.vmId(), claim.requester(),
                claim.items(), claim.createdAt(), expiresAt, now, commandId, reason);
    }
}
