package io.vgpufleet.inventory.claims.api;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ExtendClaim;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import io.vgpufleet.contracts.claims.ReserveClaimId;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.inventory.claims.ledger.Capacity;
import io.vgpufleet.inventory.claims.ledger.RefusalCode;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.inventory.placement.Candidate;
import io.vgpufleet.inventory.placement.PlacementEngine;
import io.vgpufleet.inventory.placement.PlacementRequest;
import io.vgpufleet.inventory.placement.PlacementResult;
import io.vgpufleet.inventory.placement.Rejection;
import io.vgpufleet.inventory.placement.api.PlacementInputSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Claims capacity the optimistic way: asks the placement engine for candidates (what the fleet view
 * shows), checks each against the {@link ClaimDirectory} with the ledger's own rules (claims granted
 * elsewhere and this instance's claims in flight count), sends the best remaining one to its host's
 * ledger and waits for the outcome; on a refusal (another instance got there first) it tries the next,
 * up to {@code maxAttempts} sent. Candidates found full are avoided in the next placement round, so
 * claimed capacity the placement input does not know of costs no attempt. When every candidate is held
 * only by this instance's own claims in flight, it waits for one of them to settle and looks again.
 *
 * <p>At most {@code maxConcurrent} requests run this loop at once on an instance (the others queue, fairly,
 * until the overall deadline): a thousand requests that all wait for the same few commands in flight
 * would otherwise re-check every candidate at every outcome and starve the ledger's own thread of CPU.
 *
 * <p>A claim goes to its ledger through its claim id's reservation ({@link ReserveClaimId}, keyed by claim id): an
 * id is claimed on one host at a time fleet-wide. When the reservation refuses a candidate because the id is
 * held on another host ({@code CLAIM_ID_HELD}), this request waits for that claim to reach the directory and
 * answers it, or 409 {@code CLAIM_ID_HELD} when it does not satisfy the request ({@link ClaimRequest#unmetBy}).
 */
public final class ClaimService {

    /** Where a claim request ended. */
    public sealed interface Result permits Existing, Granted, Refused {}

    /** The claim id was known: the claim as it is; nothing was claimed. */
    public record Existing(ClaimChanged claim) implements Result {}

    public record Granted(ClaimChanged claim, int attempts) implements Result {}

    /** Nothing could be claimed; every reason met, at most {@link #MAX_REASONS}. */
    public record Refused(List<RefusalReason> reasons, int attempts) implements Result {}

    /** One reason a candidate was not claimed. */
    public record RefusalReason(@Nullable String hostId, @Nullable String gpuUuid, String reason, String detail) {}

    public static final int MAX_REASONS = 50;
    private static final int CANDIDATES_PER_ROUND = 100;

    private final FleetView fleet;
    private final PlacementInputSource inputs;
    private final PlacementEngine engine = new PlacementEngine();
    private final ClaimDirectory directory;
    private final EventPublisher publisher;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration outcomeTimeout;
    private final Semaphore running;
    private final ClaimMeters meters;
    private final Map<String, CachedCapacity> capacities = new ConcurrentHashMap<>();

    private record CachedCapacity(HostSnapshot snapshot, Capacity capacity) {}

    public ClaimService(FleetView fleet, PlacementInputSource inputs, ClaimDirectory directory, EventPublisher publisher,
            Clock clock, int maxAttempts, Duration outcomeTimeout, int maxConcurrent, ClaimMeters meters) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more, was " + maxAttempts);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be 1 or more, was " + maxConcurrent);
        }
        this.running = new Semaphore(maxConcurrent, true);
        this.fleet = fleet;
        this.inputs = inputs;
        this.directory = directory;
        this.publisher = publisher;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.outcomeTimeout = outcomeTimeout;
        this.meters = meters;
    }

    public Result claim(ClaimRequest request) throws InterruptedException {
        long started = System.nanoTime();
        String outcome = "unavailable";
        try {
            Result result = admitted(request);
            outcome = result instanceof Granted ? "granted" : result instanceof Existing ? "existing" : "refused";
            return result;
        } finally {
            meters.claimed(outcome, System.nanoTime() - started);
        }
    }

    private Result admitted(ClaimRequest request) throws InterruptedException {
        var known = directory.claim(request.claimId());
        if (known.isPresent()) {
            return answer(request, known.get(), 0);
        }
        Duration bound = outcomeTimeout.multipliedBy(Math.max(2, maxAttempts));
        long queuedAt = System.nanoTime();
        if (!running.tryAcquire(bound.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new OutcomeUnavailableException("too many claims in progress on this instance; nothing was claimed,"
                    + " retry later");
        }
        meters.queued.record(System.nanoTime() - queuedAt, TimeUnit.NANOSECONDS);
        try {
            known = directory.claim(request.claimId());
            return known.isPresent() ? answer(request, known.get(), 0)
                    : claim(request, System.nanoTime() + bound.toNanos());
        } finally {
            running.release();
        }
    }

    private Result claim(ClaimRequest request, long deadline) throws InterruptedException {
        PlacementRequest asked = request.placement().request();
        Set<String> avoidGpus = new LinkedHashSet<>(asked.avoidGpus());
        Set<String> avoidHosts = new LinkedHashSet<>(asked.avoidHosts());
        List<RefusalReason> reasons = new ArrayList<>();
        Set<String> seenReasons = new HashSet<>();
        int attempts = 0;
        boolean first = true;
        while (attempts < maxAttempts && System.nanoTime() < deadline) {
            long seen = directory.version();
            long roundStarted = System.nanoTime();
            PlacementRequest round = withAvoided(asked, avoidGpus, avoidHosts);
            PlacementResult placed = engine.place(round, inputs.current().input(), request.placement().policy(),
                    CANDIDATES_PER_ROUND);
            meters.placed.record(System.nanoTime() - roundStarted, TimeUnit.NANOSECONDS);
            if (placed.candidates().isEmpty()) {
                // the placement input counts held claims, so a later round can find nothing left: its
                // reasons (MAX_INSTANCES, NO_CAPACITY...) are then the answer, not a 503
                if (first || reasons.isEmpty()) {
                    for (Rejection rejection : placed.rejectionExamples()) {
                        add(reasons, seenReasons, new RefusalReason(rejection.hostId(), rejection.gpuUuid(),
                                rejection.reason().name(), rejection.detail()));
                    }
                    if (reasons.isEmpty()) {
                        add(reasons, seenReasons, new RefusalReason(null, null, "NO_CANDIDATES",
                                "placement found no pGPU for the request"));
                    }
                }
                break;
            }
            first = false;
            boolean progressed = false;
            boolean heldByOwnInFlight = false;
            for (Candidate candidate : placed.candidates()) {
                List<ClaimItem> items = items(candidate, request.vgpuUuids());
                Capacity capacity = capacity(candidate.hostId());
                List<ClaimCommandRefused.Reason> local = directory.ledger(candidate.hostId(), capacity, true).check(items);
                if (!local.isEmpty()) {
                    if (directory.ledger(candidate.hostId(), capacity, false).check(items).isEmpty()) {
                        heldByOwnInFlight = true;
                        continue;
                    }
                    avoid(candidate, local, avoidGpus, avoidHosts);
                    local.forEach(reason -> add(reasons, seenReasons, of(candidate.hostId(), reason)));
                    progressed = true;
                    continue;
                }
                attempts++;
                progressed = true;
                ClaimDirectory.Outcome outcome = send(request, candidate.hostId(), items);
                if (outcome instanceof ClaimDirectory.Changed changed) {
                    return changed.claim().state().active() ? new Granted(changed.claim(), attempts)
                            : new Existing(changed.claim());
                }
                ClaimCommandRefused refusal = ((ClaimDirectory.Refused) outcome).refusal();
                if (heldElsewhere(refusal)) {
                    var held = awaitHeld(request.claimId(), deadline);
                    if (held != null) {
                        return answer(request, held, attempts);
                    }
                    // the claim the id was held for was refused or ended meanwhile: the id is free, go on
                    break;
                }
                refusal.reasons().forEach(reason -> add(reasons, seenReasons, of(candidate.hostId(), reason)));
                avoid(candidate, refusal.reasons(), avoidGpus, avoidHosts);
                if (attempts >= maxAttempts) {
                    break;
                }
            }
            if (!progressed) {
                if (!heldByOwnInFlight) {
                    break;
                }
                directory.awaitChange(seen, outcomeTimeout);
            }
        }
        if (reasons.isEmpty()) {
            // the deadline passed while every candidate was held by this instance's own claims in flight
            throw new OutcomeUnavailableException("no candidate could be tried before the deadline ("
                    + bound().toMillis() + " ms); nothing was claimed, retry");
        }
        return new Refused(List.copyOf(reasons), attempts);
    }

    /**
     * The answer to a request whose claim id is known: the claim when it is final (a POST after a release or
     * expiry is answered with it, as before reservations) or satisfies the request; else 409 CLAIM_ID_HELD.
     */
    private static Result answer(ClaimRequest request, ClaimChanged known, int attempts) {
        if (!known.state().active()) {
            return new Existing(known);
        }
        return request.unmetBy(known)
                .<Result>map(unmet -> new Refused(List.of(new RefusalReason(known.hostId(), null,
                        RefusalCode.CLAIM_ID_HELD.name(), unmet)), attempts))
                .orElseGet(() -> new Existing(known));
    }

    private static boolean heldElsewhere(ClaimCommandRefused refusal) {
        return refusal.reasons().stream().anyMatch(reason -> reason.code().equals(RefusalCode.CLAIM_ID_HELD.name()));
    }

    /** Waits for the directory to hold the claim id active (granted by the host it is reserved for); null if not. */
    private @Nullable ClaimChanged awaitHeld(String claimId, long deadline) throws InterruptedException {
        long until = Math.min(deadline, System.nanoTime() + outcomeTimeout.toNanos());
        while (true) {
            long seen = directory.version();
            var held = directory.claim(claimId);
            if (held.isPresent() && held.get().state().active()) {
                return held.get();
            }
            long left = until - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            directory.awaitChange(seen, Duration.ofNanos(left));
        }
    }

    private Duration bound() {
        return outcomeTimeout.multipliedBy(Math.max(2, maxAttempts));
    }

    /** Releases an active claim; answers the claim as it is after (RELEASED, or already final). */
    public ClaimChanged release(ClaimChanged claim, String reason) throws InterruptedException {
        if (!claim.state().active()) {
            return claim;
        }
        String commandId = UUID.randomUUID().toString();
        ClaimDirectory.Outcome outcome = await(claim.hostId(), commandId, null,
                new ReleaseClaim(commandId, claim.claimId(), claim.hostId(), reason, clock.instant()));
        if (outcome instanceof ClaimDirectory.Changed changed) {
            return changed.claim();
        }
        // the ledger holds it no more: released or expired meanwhile; the directory hears of it shortly
        return directory.claim(claim.claimId()).orElse(claim);
    }

    /** Extends a GRANTED claim: the claim as extended, or the refusal. */
    public ClaimDirectory.Outcome extend(ClaimChanged claim, int ttlSeconds) throws InterruptedException {
        String commandId = UUID.randomUUID().toString();
        return await(claim.hostId(), commandId, null,
                new ExtendClaim(commandId, claim.claimId(), claim.hostId(), ttlSeconds, clock.instant()));
    }

    private ClaimDirectory.Outcome send(ClaimRequest request, String hostId, List<ClaimItem> items)
            throws InterruptedException {
        String commandId = UUID.randomUUID().toString();
        var now = clock.instant();
        ClaimChanged asGranted = new ClaimChanged(request.claimId(), ClaimState.GRANTED, null, hostId, request.vmId(),
                request.requester(), items, now, now.plusSeconds(request.ttlSeconds()), now, commandId, "in flight");
        return await(hostId, commandId, asGranted, new ReserveClaimId(new ClaimCapacity(commandId, request.claimId(),
                hostId, request.vmId(), request.requester(), request.ttlSeconds(), items, now)));
    }

    private ClaimDirectory.Outcome await(String hostId, String commandId, @Nullable ClaimChanged asGranted,
            Object command) throws InterruptedException {
        CompletableFuture<ClaimDirectory.Outcome> waiter = directory.expect(commandId, asGranted);
        try {
            long sent = System.nanoTime();
            publisher.publish(command).get(outcomeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            long acknowledged = System.nanoTime();
            meters.produced.record(acknowledged - sent, TimeUnit.NANOSECONDS);
            ClaimDirectory.Outcome outcome = waiter.get(outcomeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            meters.decided.record(System.nanoTime() - acknowledged, TimeUnit.NANOSECONDS);
            return outcome;
        } catch (TimeoutException | ExecutionException failed) {
            directory.abandon(hostId, commandId);
            throw new OutcomeUnavailableException("no outcome from the claim ledger of host " + hostId + " within "
                    + outcomeTimeout.toMillis() + " ms (command " + commandId + "); a claim may still be granted and "
                    + "will then expire unless confirmed: retry with the same claimId");
        } catch (InterruptedException interrupted) {
            directory.abandon(hostId, commandId);
            throw interrupted;
        }
    }

    private @Nullable Capacity capacity(String hostId) {
        var entry = fleet.host(hostId);
        if (entry.isEmpty()) {
            return null;
        }
        HostSnapshot snapshot = entry.get().snapshot();
        CachedCapacity cached = capacities.get(hostId);
        if (cached == null || cached.snapshot() != snapshot) {
            cached = new CachedCapacity(snapshot, Capacity.of(snapshot));
            capacities.put(hostId, cached);
        }
        return cached.capacity();
    }

    private static List<ClaimItem> items(Candidate candidate, @Nullable List<String> vgpuUuids) {
        List<ClaimItem> items = new ArrayList<>(candidate.gpus().size());
        for (int i = 0; i < candidate.gpus().size(); i++) {
            Candidate.Slot slot = candidate.gpus().get(i);
            String vgpuUuid = vgpuUuids != null ? vgpuUuids.get(i) : UUID.randomUUID().toString();
            items.add(new ClaimItem(slot.gpuUuid(), slot.pciBdf(), slot.typeId(), vgpuUuid, slot.numaNode()));
        }
        return items;
    }

    /**
     * Keeps a refused candidate out of the next placement round: a single pGPU by itself; for a multi-vGPU
     * candidate the pGPUs the reasons name, so the host's other pGPUs can still form a set (concurrent
     * two-vGPU claims on one host must not all lose the host for one full pair), or the whole host when a
     * reason names none of its pGPUs.
     */
    private static void avoid(Candidate candidate, List<ClaimCommandRefused.Reason> why, Set<String> avoidGpus,
            Set<String> avoidHosts) {
        if (candidate.gpus().size() == 1) {
            avoidGpus.add(candidate.gpuUuid());
            return;
        }
        Set<String> named = new HashSet<>();
        for (ClaimCommandRefused.Reason reason : why) {
            if (reason.gpuUuid() == null) {
                avoidHosts.add(candidate.hostId());
                return;
            }
            named.add(reason.gpuUuid());
        }
        if (named.isEmpty()) {
            avoidHosts.add(candidate.hostId());
        } else {
            avoidGpus.addAll(named);
        }
    }

    private static PlacementRequest withAvoided(PlacementRequest asked, Set<String> avoidGpus, Set<String> avoidHosts) {
        if (avoidGpus.size() == asked.avoidGpus().size() && avoidHosts.size() == asked.avoidHosts().size()) {
            return asked;
        }
        return PlacementRequest.builder().typeId(asked.typeId()).minFramebufferMib(asked.minFramebufferMib())
                .vgpuClass(asked.vgpuClass()).count(asked.count()).numaNode(asked.numaNode()).hosts(asked.hosts())
                .avoidHosts(Set.copyOf(avoidHosts)).gpus(asked.gpus()).avoidGpus(Set.copyOf(avoidGpus))
                .nvlinkP2p(asked.nvlinkP2p()).eccRequired(asked.eccRequired()).build();
    }

    private static RefusalReason of(String hostId, ClaimCommandRefused.Reason reason) {
        return new RefusalReason(hostId, reason.gpuUuid(), reason.code(), reason.detail());
    }

    private static void add(List<RefusalReason> reasons, Set<String> seen, RefusalReason reason) {
        if (reasons.size() < MAX_REASONS && seen.add(reason.hostId() + "|" + reason.gpuUuid() + "|" + reason.reason())) {
            reasons.add(reason);
        }
    }

    /** The ledger did not answer in time: 503, retry with the same claim id. */
    public static final class OutcomeUnavailableException extends ErrorResponseException {

        private static final long serialVersionUID = 1L;

        OutcomeUnavailableException(String detail) {
            super(HttpStatus.SERVICE_UNAVAILABLE);
            getBody().setTitle("Claim ledger unavailable");
            getBody().setDetail(detail);
        }
    }
}
