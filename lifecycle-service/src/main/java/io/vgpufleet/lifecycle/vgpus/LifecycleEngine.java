package io.vgpufleet.lifecycle.vgpus;

import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.lifecycle.VgpuDevice;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.lifecycle.vgpus.machine.Action;
import io.vgpufleet.lifecycle.vgpus.machine.Decision;
import io.vgpufleet.lifecycle.vgpus.machine.LifecycleMachine;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link LifecycleMachine} for every request: feeds it what arrives (API calls, agent replies,
 * host snapshots, health verdicts, a tick every second), and for each decision saves the request, then
 * publishes its {@code VgpuStateChanged} events, then carries out its actions (agent commands on Kafka,
 * claims on the inventory, off the decision thread).
 *
 * <p>Decisions are made one at a time under one lock (they take microseconds; the save waits for the
 * broker). At start, {@link #start()} loads every request from the store before any binding delivers a
 * record, and sends again what each one in flight had sent (same command and claim ids).
 *
 * <pre>{@code
 * LifecycleEngine engine = new LifecycleEngine(machine, store, publisher, claims, clock, UUID::randomUUID);
 * engine.start();
 * VgpuRequest request = engine.create(vmId, spec, clientRequestId).request();
 * }</pre>
 */
public final class LifecycleEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LifecycleEngine.class);
    /** The health rule whose FAILED verdict means a double-bit ECC error (health-service's {@code Rules}). */
    public static final String DOUBLE_BIT_ECC_RULE = "double-bit-ecc";

    private final LifecycleMachine machine;
    private final RequestStore store;
    private final EventPublisher publisher;
    private final ClaimsPort claims;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final Map<String, VgpuRequest> requests = new ConcurrentHashMap<>();
    private final Map<String, String> byClientRequestId = new ConcurrentHashMap<>();
    private final Map<String, HostSnapshot> hosts = new ConcurrentHashMap<>();
    private final ExecutorService claimCalls = Executors.newFixedThreadPool(4, daemon("lifecycle-claims"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("lifecycle-tick"));
    private final Object lock = new Object();

    public LifecycleEngine(LifecycleMachine machine, RequestStore store, EventPublisher publisher, ClaimsPort claims,
            Clock clock, Supplier<UUID> ids) {
        this.machine = machine;
        this.store = store;
        this.publisher = publisher;
        this.claims = claims;
        this.clock = clock;
        this.ids = ids;
    }

    /** Loads every request, resends what was in flight, and starts the tick that checks deadlines. */
    public void start(Duration tick) {
        List<Action> resend = new ArrayList<>();
        synchronized (lock) {
            for (VgpuRequest request : store.load()) {
                remember(request);
                resend.addAll(machine.inFlight(request));
            }
        }
        long live = requests.values().stream().filter(request -> !request.terminal()).count();
        log.info("resuming {} requests in flight ({} known), resending {} actions", live, requests.size(), resend.size());
        resend.forEach(this::carryOut);
        ticker.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The answer to a create: the request, and whether it was made now or found by its client request id. */
    public record Created(VgpuRequest request, boolean isNew) {}

    /**
     * A new request, or the one made earlier under the same {@code clientRequestId}.
     *
     * @throws ConflictException if that client request id was used for another VM or another spec
     */
    public Created create(String vmId, VgpuSpec spec, @Nullable String clientRequestId) {
        Decision decision;
        synchronized (lock) {
            if (clientRequestId != null) {
                String known = byClientRequestId.get(clientRequestId);
                if (known != null) {
                    VgpuRequest earlier = requests.get(known);
                    if (earlier != null) {
                        if (!earlier.vmId().equals(vmId) || !earlier.spec().equals(spec)) {
                            throw new ConflictException("clientRequestId " + clientRequestId + " was used for request "
                                    + earlier.requestId() + " with another VM or spec");
                        }
                        return new Created(earlier, false);
                    }
                }
            }
            List<String> uuids = new ArrayList<>();
            for (int i = 0; i < spec.count(); i++) {
                uuids.add(ids.get().toString());
            }
            decision = machine.start(ids.get().toString(), clientRequestId, vmId, spec, uuids, ids.get().toString(),
                    clock.instant());
            commit(decision);
        }
        decision.actions().forEach(this::carryOut);
        return new Created(decision.request(), true);
    }

    public Optional<VgpuRequest> get(String requestId) {
        return Optional.ofNullable(requests.get(requestId));
    }

    /** Every request, oldest first. */
    public List<VgpuRequest> all() {
        return requests.values().stream().sorted(Comparator.comparing(VgpuRequest::createdAt)
                .thenComparing(VgpuRequest::requestId)).toList();
    }

    public Optional<HostSnapshot> host(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    /** Feeds one stimulus to one request; answers the decision (empty when there is no such request). */
    public Optional<Decision> apply(String requestId, Stimulus stimulus) {
        Decision decision;
        synchronized (lock) {
            VgpuRequest request = requests.get(requestId);
            if (request == null) {
                return Optional.empty();
            }
            decision = machine.on(request, stimulus, clock.instant());
            commit(decision);
        }
        decision.actions().forEach(this::carryOut);
        return Optional.of(decision);
    }

    public void onReply(CommandReply reply) {
        for (VgpuRequest request : requests.values()) {
            if (awaits(request, reply.commandId())) {
                apply(request.requestId(), new Stimulus.Replied(reply));
                return;
            }
        }
        log.debug("reply to {} from {} concerns no request in flight", reply.commandId(), reply.hostId());
    }

    public void onSnapshot(HostSnapshot snapshot) {
        HostSnapshot previous = hosts.get(snapshot.hostId());
        if (previous != null && previous.observedAt().isAfter(snapshot.observedAt())) {
            return; // an older snapshot read late
        }
        hosts.put(snapshot.hostId(), snapshot);
        for (VgpuRequest request : requests.values()) {
            if (!request.terminal() && snapshot.hostId().equals(request.hostId())) {
                apply(request.requestId(), new Stimulus.HostObserved(snapshot));
            }
        }
    }

    public void onGpuHealth(GpuHealthChanged verdict) {
        if (verdict.current() != GpuHealth.FAILED || !DOUBLE_BIT_ECC_RULE.equals(verdict.rule())) {
            return;
        }
        for (VgpuRequest request : requests.values()) {
            if (request.devices().stream().anyMatch(device -> verdict.gpuUuid().equals(device.gpuUuid()))) {
                apply(request.requestId(), new Stimulus.DoubleBitEccError(verdict.gpuUuid(),
                        "rule " + verdict.rule() + " at " + verdict.changedAt()));
            }
        }
    }

    private void tick() {
        try {
            for (VgpuRequest request : requests.values()) {
                if (!request.terminal()) {
                    apply(request.requestId(), new Stimulus.Tick());
                }
            }
        } catch (RuntimeException e) {
            log.warn("tick failed; the next one tries again", e);
        }
    }

    private static boolean awaits(VgpuRequest request, String commandId) {
        if (request.pending() != null && commandId.equals(request.pending().commandId())) {
            return true;
        }
        for (VgpuDevice device : request.devices()) {
            if (commandId.equals(device.commandId())) {
                return true;
            }
        }
        return false;
    }

    /** Saves and announces a decision; called under the lock. */
    private void commit(Decision decision) {
        if (!decision.changed()) {
            return;
        }
        VgpuRequest request = decision.request();
        store.save(request);
        remember(request);
        for (VgpuStateChanged event : decision.events()) {
            publisher.publish(event).whenComplete((sent, failure) -> {
                if (failure != null) {
                    log.warn("state change of {} to {} not published: {}", event.requestId(), event.current(),
                            failure.toString());
                }
            });
            log.info("request {} ({}): {} -> {}: {}", event.requestId(), event.vmId(), event.previous(), event.current(),
                    event.reason());
        }
    }

    private void remember(VgpuRequest request) {
        requests.put(request.requestId(), request);
        if (request.clientRequestId() != null) {
            byClientRequestId.put(request.clientRequestId(), request.requestId());
        }
    }

    private void carryOut(Action action) {
        if (action instanceof Action.SendCommand send) {
            publisher.publish(send.command()).whenComplete((sent, failure) -> {
                if (failure != null) {
                    log.warn("command {} not published ({}); its deadline sends it again", send.command().commandId(),
                            failure.toString());
                }
            });
        } else if (action instanceof Action.RequestClaim claim) {
            claimCalls.execute(() -> apply(claim.requestId(), claims.claim(claim)));
        } else if (action instanceof Action.ReleaseClaim release) {
            claimCalls.execute(() -> apply(release.requestId(), claims.release(release.claimId())));
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The hosts' latest snapshots, by host id (a copy). */
    public Map<String, HostSnapshot> hosts() {
        return new HashMap<>(hosts);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        claimCalls.shutdownNow();
    }

    /** A create that contradicts an earlier one with the same client request id. */
    public static final class ConflictException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConflictException(String message) {
            super(message);
        }
    }
}
