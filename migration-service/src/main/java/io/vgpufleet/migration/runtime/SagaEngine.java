package io.vgpufleet.migration.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.migration.Drain;
import io.vgpufleet.contracts.migration.MigrationProgressed;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.migration.claims.LocalClaims;
import io.vgpufleet.migration.claims.TargetClaims;
import io.vgpufleet.migration.drains.Admission;
import io.vgpufleet.migration.drains.DrainPlanner;
import io.vgpufleet.migration.fleet.Fleet;
import io.vgpufleet.migration.fleet.FleetState;
import io.vgpufleet.migration.sagas.ClaimAnswer;
import io.vgpufleet.migration.sagas.CommandIds;
import io.vgpufleet.migration.sagas.SagaEffect;
import io.vgpufleet.migration.sagas.SagaSteps;
import io.vgpufleet.migration.sagas.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sagas: one thread owns every saga and drain, feeds them their events (agent replies, host
 * snapshots, claim answers, ticks) through {@link SagaSteps}, persists each durable new state ({@link
 * Transition#durable}) to its compacted topic and carries out the saga's effects only once the broker has
 * acknowledged it, without holding the engine thread meanwhile (commands to
 * agents, claims over HTTP on a second thread), publishes progress events, and starts queued migrations as
 * the {@link Admission} limits allow.
 *
 * <p>Start: {@link #load} every persisted saga and drain (the replay, ADR 0005), then {@link #start}, which
 * resumes every saga that had not ended by sending its current step's effects again under the same ids.
 */
public final class SagaEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SagaEngine.class);
    private static final Duration PERSIST_TIMEOUT = Duration.ofSeconds(15);

    private final SagaSteps steps;
    private final Admission admission;
    private final Limits limits;
    private final DrainPlanner planner;
    private final FleetState fleetState;
    private final TargetClaims claims;
    private final EventPublisher publisher;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Duration tick;
    private final Map<String, MigrationSaga> sagas = new LinkedHashMap<>();
    private final Map<String, MigrationSaga> active = new LinkedHashMap<>();
    private final Map<String, Drain> drains = new LinkedHashMap<>();
    private final Map<MigrationStep, Integer> activeBySteps = new EnumMap<>(MigrationStep.class);
    /** Drains with a migration that has not ended; the gauge reads their count. */
    private final Set<String> runningDrains = new LinkedHashSet<>();
    private final AtomicInteger drainsActive = new AtomicInteger();
    private final ScheduledExecutorService engine = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "saga-engine"));
    private final ExecutorService claimCalls = Executors.newFixedThreadPool(4, r -> thread(r, "saga-claims"));
    private final Fleet fleet;

    public SagaEngine(SagaSteps steps, Limits limits, DrainPlanner planner, FleetState fleetState, TargetClaims claims,
            EventPublisher publisher, Clock clock, MeterRegistry meters, Duration tick) {
        this.steps = steps;
        this.limits = limits;
        this.admission = new Admission(limits.perSourceHost(), limits.fleetWide());
        this.planner = planner;
        this.fleetState = fleetState;
        this.claims = claims;
        this.publisher = publisher;
        this.clock = clock;
        this.meters = meters;
        this.tick = tick;
        this.fleet = fleetState.view(this::migrationsInto);
        for (MigrationStep step : MigrationStep.values()) {
            if (!step.terminal()) {
                meters.gauge(MigrationMetrics.SAGAS_ACTIVE, List.of(io.micrometer.core.instrument.Tag.of("step",
                        step.name())), activeBySteps, counts -> counts.getOrDefault(step, 0));
            }
        }
        for (String outcome : MigrationMetrics.OUTCOMES) {
            meters.counter(MigrationMetrics.MIGRATIONS, "outcome", outcome);
        }
        meters.gauge(MigrationMetrics.DRAINS_ACTIVE, drainsActive);
    }

    // ------------------------------------------------------------------ start and stop

    /** A persisted saga or drain read back at start; the latest record of an id wins. Before {@link #start}. */
    public void load(Object record) {
        if (record instanceof MigrationSaga saga) {
            sagas.put(saga.migrationId(), saga);
            if (saga.step().terminal()) {
                active.remove(saga.migrationId());
            } else {
                active.put(saga.migrationId(), saga);
            }
        } else if (record instanceof Drain drain) {
            drains.put(drain.drainId(), drain);
            runningDrains.add(drain.drainId());
        }
    }

    /** Resumes every saga that had not ended, then ticks. */
    public void start() {
        call(() -> {
            int resumed = 0;
            for (MigrationSaga saga : List.copyOf(active.values())) {
                if (saga.step() != MigrationStep.QUEUED) {
                    apply(saga, steps.resume(saga, fleet, clock.instant()));
                    resumed++;
                }
            }
            log.info("resumed {} sagas ({} known, {} drains)", resumed, sagas.size(), drains.size());
            admit();
            countSteps();
            return null;
        });
        engine.scheduleWithFixedDelay(this::onTick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        engine.shutdownNow();
        claimCalls.shutdownNow();
        try {
            engine.awaitTermination(10, TimeUnit.SECONDS);
            claimCalls.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ requests

    /** Queues a migration; answers the queued saga, or the running one of the same vGPU. */
    public MigrationSaga submit(Function<Fleet, MigrationSaga> request) {
        return call(() -> {
            MigrationSaga saga = request.apply(fleet);
            Optional<MigrationSaga> running = active.values().stream()
                    .filter(other -> other.vgpuUuid().equals(saga.vgpuUuid())).findFirst();
            if (running.isPresent()) {
                throw new AlreadyMigrating(running.get());
            }
            accept(saga, "migration requested");
            admit();
            return sagas.get(saga.migrationId());
        });
    }

    /**
     * A drain of a pGPU ({@code gpuUuid}) or a whole host: its migrations queued. A drain id seen before
     * answers the drain as it is (a repeated request changes nothing).
     */
    public Drain drain(String drainId, String hostId, @Nullable String gpuUuid, boolean urgent, String reason) {
        return call(() -> drainOnEngine(drainId, hostId, gpuUuid, urgent, reason));
    }

    private Drain drainOnEngine(String drainId, String hostId, @Nullable String gpuUuid, boolean urgent, String reason) {
        {
            Drain known = drains.get(drainId);
            if (known != null) {
                return known;
            }
            HostSnapshot host = fleetState.host(hostId).orElseThrow(() ->
                    new IllegalArgumentException("no snapshot of host " + hostId + " has been seen"));
            DrainPlanner.Plan plan = planner.plan(drainId, host, gpuUuid, urgent, reason, clock.instant());
            persist(plan.drain());
            drains.put(drainId, plan.drain());
            runningDrains.add(drainId);
            meters.counter(MigrationMetrics.DRAINS_STARTED, "trigger", urgent ? "health" : "operator").increment();
            for (MigrationSaga saga : plan.migrations()) {
                boolean running = active.values().stream().anyMatch(other -> other.vgpuUuid().equals(saga.vgpuUuid()));
                if (!running && !sagas.containsKey(saga.migrationId())) {
                    accept(saga, "queued by drain " + drainId);
                }
            }
            admit();
            countSteps();
            return plan.drain();
        }
    }

    /** The health-service asked to evacuate a pGPU: an urgent drain of it. */
    public void onDrainRequested(DrainRequested request) {
        engine.execute(() -> {
            try {
                drainNow(request);
            } catch (RuntimeException e) {
                log.warn("drain {} of pGPU {} on {} not started: {}", request.drainId(), request.gpuUuid(),
                        request.hostId(), e.getMessage());
            }
        });
    }

    private void drainNow(DrainRequested request) {
        if (drains.containsKey(request.drainId())) {
            return;
        }
        if (fleetState.host(request.hostId()).isEmpty()) {
            log.warn("drain {}: no snapshot of host {} yet; nothing to drain", request.drainId(), request.hostId());
            return;
        }
        drainOnEngine(request.drainId(), request.hostId(), request.gpuUuid(), true,
                request.health() + " by rule " + request.rule() + ": " + request.reason());
    }

    public Optional<MigrationSaga> migration(String migrationId) {
        return Optional.ofNullable(call(() -> sagas.get(migrationId)));
    }

    /** Every saga, newest first. */
    public List<MigrationSaga> migrations() {
        List<MigrationSaga> all = call(() -> new ArrayList<>(sagas.values()));
        all.sort((a, b) -> b.createdAt().compareTo(a.createdAt()) != 0 ? b.createdAt().compareTo(a.createdAt())
                : a.migrationId().compareTo(b.migrationId()));
        return all;
    }

    public Optional<DrainStatus> drainStatus(String drainId) {
        return Optional.ofNullable(call(() -> {
            Drain drain = drains.get(drainId);
            return drain == null ? null : DrainStatus.of(drain, sagas::get);
        }));
    }

    public List<DrainStatus> drains() {
        List<DrainStatus> all = call(() -> drains.values().stream().map(d -> DrainStatus.of(d, sagas::get)).toList());
        return all.stream().sorted((a, b) -> b.drain().requestedAt().compareTo(a.drain().requestedAt())).toList();
    }

    // ------------------------------------------------------------------ events

    public void onReply(CommandReply reply) {
        Optional<String> migrationId = CommandIds.migrationOf(reply.commandId());
        if (migrationId.isEmpty()) {
            return;
        }
        engine.execute(() -> {
            MigrationSaga saga = active.get(migrationId.get());
            if (saga != null) {
                apply(saga, steps.onReply(saga, reply, fleet, clock.instant()));
            }
        });
    }

    public void onSnapshot(HostSnapshot snapshot) {
        engine.execute(() -> {
            if (!fleetState.apply(snapshot)) {
                return;
            }
            if (claims instanceof LocalClaims local) {
                local.confirmSeen(snapshot);
            }
            for (MigrationSaga saga : List.copyOf(active.values())) {
                if (saga.step() == MigrationStep.VERIFY && snapshot.hostId().equals(saga.targetHostId())) {
                    apply(saga, steps.onSnapshot(saga, snapshot, clock.instant()));
                }
            }
        });
    }

    private void onClaimAnswer(ClaimAnswer answer, String migrationId) {
        MigrationSaga saga = active.get(migrationId);
        if (saga != null) {
            apply(saga, steps.onClaim(saga, answer, fleet, clock.instant()));
        }
    }

    private void onTick() {
        try {
            Instant now = clock.instant();
            for (MigrationSaga saga : List.copyOf(active.values())) {
                MigrationSaga current = active.get(saga.migrationId());
                if (current != null) {
                    apply(current, steps.onTick(current, fleet, now));
                }
            }
            admit();
            countSteps();
        } catch (RuntimeException e) {
            log.error("saga tick failed; the next tick tries again", e);
        }
    }

    // ------------------------------------------------------------------ carrying transitions out

    private void accept(MigrationSaga saga, String why) {
        persist(saga);
        sagas.put(saga.migrationId(), saga);
        active.put(saga.migrationId(), saga);
        meters.counter(MigrationMetrics.SAGAS_STARTED).increment();
        progress(saga, why + "; " + saga.reason());
    }

    private void admit() {
        for (MigrationSaga saga : admission.admit(active.values())) {
            apply(saga, steps.admit(saga, fleet, clock.instant()));
        }
    }

    /**
     * Takes a transition in: the saga's new state at once (the next event of any saga sees it), and, for a
     * durable state, its progress event and effects once the broker has acknowledged the state (write-ahead,
     * ADR 0005). The engine thread does not wait for that acknowledgement: it goes on with other sagas' events
     * while the write is in flight, and the effects are carried out on it when the acknowledgement comes back
     * (a saga's states are acknowledged in the order written: one partition per saga). A state the broker did
     * not take is logged; its effects are not carried out and the step's timeout sends them again.
     */
    private void apply(MigrationSaga before, Transition transition) {
        MigrationSaga after = transition.saga();
        CompletableFuture<?> written = transition.durable(before) ? publisher.publish(after) : null;
        if (transition.changed(before)) {
            sagas.put(after.migrationId(), after);
            if (after.step().terminal()) {
                active.remove(after.migrationId());
                meters.counter(MigrationMetrics.MIGRATIONS, "outcome", MigrationMetrics.outcome(after.step())).increment();
                Timer.builder(MigrationMetrics.SAGA_DURATION).tag("outcome", after.step().name()).register(meters)
                        .record(Duration.between(after.createdAt(), after.updatedAt()));
                log.info("migration {} of VM {} ended {}: {}", after.migrationId(), after.vmId(), after.step(),
                        after.reason());
            } else {
                active.put(after.migrationId(), after);
            }
        }
        if (written == null) {
            afterWrite(after, transition);
            return;
        }
        written.whenComplete((sent, failure) -> {
            try {
                engine.execute(() -> {
                    if (failure != null) {
                        log.warn("state {} of migration {} not persisted ({}); its effects wait for the step's timeout",
                                after.step(), after.migrationId(), failure.toString());
                        return;
                    }
                    afterWrite(after, transition);
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                log.debug("engine closed before migration {}'s write was acknowledged", after.migrationId());
            }
        });
    }

    private void afterWrite(MigrationSaga after, Transition transition) {
        if (transition.progress() != null) {
            progress(after, transition.progress());
        }
        for (SagaEffect effect : transition.effects()) {
            carryOut(effect);
        }
    }

    private void carryOut(SagaEffect effect) {
        if (effect instanceof SagaEffect.SendCommand send) {
            publisher.publish(send.command()).whenComplete((sent, failure) -> {
                if (failure != null) {
                    log.warn("command {} not published ({}); the step's timeout sends it again",
                            send.command().commandId(), failure.toString());
                }
            });
        } else if (effect instanceof SagaEffect.RequestClaim claim) {
            CompletableFuture.supplyAsync(() -> claims.claim(claim), claimCalls)
                    .thenAcceptAsync(answer -> onClaimAnswer(answer, claim.migrationId()), engine);
        } else if (effect instanceof SagaEffect.ReleaseClaim release) {
            CompletableFuture.supplyAsync(() -> claims.release(release), claimCalls)
                    .thenAcceptAsync(answer -> onClaimAnswer(answer, release.migrationId()), engine);
        }
    }

    private void persist(Object state) {
        try {
            publisher.publish(state).get(PERSIST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not persist " + state.getClass().getSimpleName() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while persisting", e);
        }
    }

    private void progress(MigrationSaga saga, String detail) {
        MigrationProgressed event = new MigrationProgressed(saga.migrationId(), saga.drainId(), saga.vmId(),
                saga.vgpuUuid(), saga.sourceHostId(), saga.targetHostId(), saga.step(),
                detail.isBlank() ? saga.step().name() : io.vgpufleet.contracts.Checks.printable(detail, 4000),
                saga.updatedAt(), saga.rejections(), saga.estimatedDowntimeMillis());
        publisher.publish(event).whenComplete((sent, failure) -> {
            if (failure != null) {
                log.warn("progress of {} not published: {}", saga.migrationId(), failure.toString());
            }
        });
    }

    private int migrationsInto(String hostId) {
        int count = 0;
        for (MigrationSaga saga : active.values()) {
            boolean holds = switch (saga.step()) {
                case CLAIM_TARGET -> saga.claimId() != null;
                case PREPARE_TARGET, MIGRATE, VERIFY, CLEANUP_SOURCE, COMPENSATING -> true;
                default -> false;
            };
            if (holds && hostId.equals(saga.targetHostId())) {
                count++;
            }
        }
        return count;
    }

    private void countSteps() {
        Map<MigrationStep, Integer> counts = new EnumMap<>(MigrationStep.class);
        active.values().forEach(saga -> counts.merge(saga.step(), 1, Integer::sum));
        synchronized (activeBySteps) {
            activeBySteps.clear();
            activeBySteps.putAll(counts);
        }
        runningDrains.removeIf(id -> !"RUNNING".equals(DrainStatus.of(drains.get(id), sagas::get).state()));
        drainsActive.set(runningDrains.size());
    }

    /** Runs on the engine thread and waits for it. */
    private <T> T call(Callable<T> task) {
        try {
            return engine.submit(task).get(PERSIST_TIMEOUT.toMillis() * 4, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the saga engine did not answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The limits this engine runs under. */
    public Limits limits() {
        return limits;
    }

    private static Thread thread(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A migration of the same vGPU is already running. */
    public static final class AlreadyMigrating extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient MigrationSaga running;

        AlreadyMigrating(MigrationSaga running) {
            super("vGPU " + running.vgpuUuid() + " is already being migrated by " + running.migrationId());
            this.running = running;
        }

        public MigrationSaga running() {
            return running;
        }
    }
}
