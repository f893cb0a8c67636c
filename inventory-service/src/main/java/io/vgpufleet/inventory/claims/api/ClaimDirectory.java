package io.vgpufleet.inventory.claims.api;

import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.inventory.claims.ledger.Capacity;
import io.vgpufleet.inventory.claims.ledger.HostLedger;
import io.vgpufleet.inventory.placement.HeldCapacity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Every claim this instance has heard of, as its latest {@link ClaimChanged} (the compacted claim topic
 * is read from its beginning at every start, so a restart loses nothing), the claims this instance has
 * sent and not yet heard back about ("in flight"), and the callers waiting for a command's outcome.
 *
 * <p>It lags the ledgers by the time a record takes from the ledger's commit to this instance: it is a
 * good guess of what a ledger will say (so that concurrent requests spread over pGPUs instead of racing
 * for the same one), never the authority.
 */
public final class ClaimDirectory {

    /** What a command came to: the claim as changed by it, or the refusal. */
    public sealed interface Outcome permits Changed, Refused {}

    public record Changed(ClaimChanged claim) implements Outcome {}

    public record Refused(ClaimCommandRefused refusal) implements Outcome {}

    private final Map<String, ClaimChanged> byId = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ClaimChanged>> activeByHost = new HashMap<>();
    /** host id to command id to the claim as it would be granted. */
    private final Map<String, Map<String, ClaimChanged>> inFlight = new HashMap<>();
    private final Map<String, CompletableFuture<Outcome>> waiters = new ConcurrentHashMap<>();
    private long version;
    private long activeVersion;

    /** Takes a claim change in: the claim's new state, and the outcome of the command that caused it. */
    public void apply(ClaimChanged change) {
        CompletableFuture<Outcome> waiter;
        synchronized (this) {
            byId.put(change.claimId(), change);
            Map<String, ClaimChanged> active = activeByHost.computeIfAbsent(change.hostId(), h -> new LinkedHashMap<>());
            ClaimChanged was = change.state().active() ? active.put(change.claimId(), change)
                    : active.remove(change.claimId());
            if (change.state().active() || was != null) {
                activeVersion++;
            }
            waiter = settle(change.hostId(), change.commandId());
        }
        if (waiter != null) {
            waiter.complete(new Changed(change));
        }
    }

    /**
     * Forgets a claim whose tombstone came (its ledger drops a final claim after the retention): it is
     * answered no more, here or after a restart.
     */
    public void forget(String claimId) {
        synchronized (this) {
            ClaimChanged was = byId.remove(claimId);
            if (was != null) {
                Map<String, ClaimChanged> active = activeByHost.get(was.hostId());
                if (active != null && active.remove(claimId) != null) {
                    activeVersion++;
                }
            }
            version++;
            notifyAll();
        }
    }

    /** Takes a refusal in: the outcome of the refused command. */
    public void refused(ClaimCommandRefused refusal) {
        CompletableFuture<Outcome> waiter;
        synchronized (this) {
            waiter = settle(refusal.hostId(), refusal.commandId());
        }
        if (waiter != null) {
            waiter.complete(new Refused(refusal));
        }
    }

    /**
     * Registers a command about to be sent; the future completes with its outcome. With {@code asGranted},
     * the claim counts against its host in {@link #ledger} until the outcome comes or {@link #abandon}.
     */
    public CompletableFuture<Outcome> expect(String commandId, @Nullable ClaimChanged asGranted) {
        CompletableFuture<Outcome> waiter = new CompletableFuture<>();
        synchronized (this) {
            waiters.put(commandId, waiter);
            if (asGranted != null) {
                inFlight.computeIfAbsent(asGranted.hostId(), h -> new LinkedHashMap<>()).put(commandId, asGranted);
            }
        }
        return waiter;
    }

    /** Gives up waiting for a command (timed out, or it could not be sent). */
    public void abandon(String hostId, String commandId) {
        synchronized (this) {
            settle(hostId, commandId);
        }
    }

    public Optional<ClaimChanged> claim(String claimId) {
        return Optional.ofNullable(byId.get(claimId));
    }

    /** Every claim known, oldest first (then by id). */
    public List<ClaimChanged> claims() {
        List<ClaimChanged> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(ClaimChanged::createdAt).thenComparing(ClaimChanged::claimId));
        return all;
    }

    /**
     * The host's ledger as this instance believes it is: the capacity of the host's latest snapshot and its
     * active claims, with this instance's claims in flight counted as granted when asked.
     */
    public synchronized HostLedger ledger(String hostId, @Nullable Capacity capacity, boolean withInFlight) {
        List<ClaimChanged> claims = new ArrayList<>(activeByHost.getOrDefault(hostId, Map.of()).values());
        if (withInFlight) {
            claims.addAll(inFlight.getOrDefault(hostId, Map.of()).values());
        }
        return new HostLedger(hostId, capacity, claims);
    }

    /**
     * The active claims' vGPUs as {@link HeldCapacity}, for the placement input: a copy per call, versioned
     * by the changes of active claims only (not by this instance's commands in flight, which
     * {@link ClaimService} checks itself).
     */
    public HeldCapacity heldCapacity() {
        return new HeldCapacity() {
            @Override
            public Map<String, List<HeldCapacity.HeldVgpu>> byHost() {
                synchronized (ClaimDirectory.this) {
                    Map<String, List<HeldCapacity.HeldVgpu>> held = new HashMap<>(activeByHost.size() * 2);
                    activeByHost.forEach((hostId, claims) -> {
                        if (!claims.isEmpty()) {
                            List<HeldCapacity.HeldVgpu> vgpus = new ArrayList<>();
                            for (ClaimChanged claim : claims.values()) {
                                for (ClaimItem item : claim.items()) {
                                    vgpus.add(new HeldCapacity.HeldVgpu(item.gpuUuid(), item.typeId(), item.vgpuUuid()));
                                }
                            }
                            held.put(hostId, vgpus);
                        }
                    });
                    return held;
                }
            }

            @Override
            public long version() {
                synchronized (ClaimDirectory.this) {
                    return activeVersion;
                }
            }
        };
    }

    /** Rises with every change, refusal and settled command. */
    public synchronized long version() {
        return version;
    }

    /** Waits until {@link #version} has passed {@code seen}, or at most {@code max}. */
    public synchronized void awaitChange(long seen, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (version == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private @Nullable CompletableFuture<Outcome> settle(String hostId, @Nullable String commandId) {
        version++;
        notifyAll();
        if (commandId == null) {
            return null;
        }
        Map<String, ClaimChanged> flying = inFlight.get(hostId);
        if (flying != null && flying.remove(commandId) != null && flying.isEmpty()) {
            inFlight.remove(hostId);
        }
        return waiters.remove(commandId);
    }
}
