package io.vgpufleet.agent.health;

import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.contracts.health.GpuLost;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the memory health of the host's pGPUs and hands every signal to a sink (the agent's
 * publisher) as soon as it is known.
 *
 * <ul>
 *   <li>The <b>events thread</b> waits on {@link NvmlPort#awaitEvent}: an ECC event publishes {@code
 *       EccErrorsObserved} with the counters read fresh; an Xid event {@code XidErrorObserved}; a lost GPU
 *       {@code GpuLost}; all with source {@code EVENT}. Whatever goes wrong with one event is counted
 *       ({@link AgentMetrics#HEALTH_LOOP_ERRORS}, loop {@code events}) and logged, and the thread goes on.
 *   <li>The <b>poller</b> reads {@link NvmlPort#healthOf} of every pGPU every poll interval ({@code
 *       --health-poll}, a quarter of a second by default, apart from discovery's second) and publishes
 *       what {@link HealthChanges} says changed, with source {@code POLL}.
 * </ul>
 * pGPUs are those of the agent's latest discovery ({@code gpuUuidByBdf}), so the monitor follows the
 * host as the snapshot does.
 *
 * <pre>{@code
 * HealthMonitor monitor = new HealthMonitor(hostId, nvml, gpus, publisher::publish, clock, Duration.ofSeconds(1), metrics);
 * monitor.start();
 * monitor.close();
 * }</pre>
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    private static final Duration EVENT_WAIT = Duration.ofMillis(500);
    private static final Duration BACK_OFF = Duration.ofSeconds(1);

    private final String hostId;
    private final NvmlPort nvml;
    private final Supplier<Map<String, String>> gpuUuidByBdf;
    private final Consumer<HealthSignal> sink;
    private final Clock clock;
    private final Duration pollInterval;
    private final AgentMetrics metrics;
    private final HealthChanges changes;
    private final Thread events;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "health-poller");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running = true;

    public HealthMonitor(String hostId, NvmlPort nvml, Supplier<Map<String, String>> gpuUuidByBdf,
            Consumer<HealthSignal> sink, Clock clock, Duration pollInterval, AgentMetrics metrics) {
        this.hostId = hostId;
        this.nvml = nvml;
        this.gpuUuidByBdf = gpuUuidByBdf;
        this.sink = sink;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.metrics = metrics;
        this.changes = new HealthChanges(hostId);
        this.events = new Thread(this::awaitEvents, "health-events");
        this.events.setDaemon(true);
    }

    public void start() {
        events.start();
        poller.scheduleWithFixedDelay(this::pollOnce, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void awaitEvents() {
        while (running) {
            try {
                Optional<NvmlEvent> event = nvml.awaitEvent(EVENT_WAIT);
                if (event.isPresent()) {
                    onEvent(event.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                metrics.healthLoopFailed("events");
                log.error("health events: {}; waiting for the next event", e.toString(), e);
                if (!backOff()) {
                    return;
                }
            }
        }
    }

    /** Turns one NVML event into its signals; package-private so tests can drive it without a thread. */
    void onEvent(NvmlEvent event) {
        String gpuUuid = gpuUuidByBdf.get().get(event.pciBdf());
        if (gpuUuid == null) {
            throw new IllegalStateException("an NVML event names " + event.pciBdf() + ", which is no pGPU of this host");
        }
        Instant at = event.at();
        List<HealthSignal> signals = switch (event.kind()) {
            case SINGLE_BIT_ECC, DOUBLE_BIT_ECC -> changes.eccEvent(gpuUuid, nvml.healthOf(event.pciBdf()), at);
            case XID -> List.of(new XidErrorObserved(hostId, gpuUuid, at, SignalSource.EVENT, Math.toIntExact(event.xid())));
            case GPU_LOST -> List.of(new GpuLost(hostId, gpuUuid, at, SignalSource.EVENT, "NVML_ERROR_GPU_IS_LOST"));
        };
        signals.forEach(this::send);
    }

    /** One poll of every pGPU; package-private so tests can drive it without a thread. */
    void pollOnce() {
        Instant at = clock.instant();
        Map<String, String> gpus;
        try {
            gpus = gpuUuidByBdf.get();
        } catch (RuntimeException e) {
            metrics.healthLoopFailed("poll");
            log.error("health poll: cannot list the pGPUs: {}", e.toString(), e);
            return;
        }
        gpus.forEach((bdf, gpuUuid) -> {
            try {
                NvmlHealthSample sample = nvml.healthOf(bdf);
                changes.observe(gpuUuid, sample, at, SignalSource.POLL).forEach(this::send);
            } catch (RuntimeException e) {
                metrics.healthLoopFailed("poll");
                log.error("health poll of {}: {}", bdf, e.toString(), e);
            }
        });
    }

    private void send(HealthSignal signal) {
        log.info("health signal: {}", signal);
        sink.accept(signal);
        metrics.healthSignal(signal.getClass().getSimpleName(), signal.source().name());
    }

    /**
     * Says that a signal for the GPU did not reach the broker: the next poll signals the GPU's counters
     * again in full (see {@link HealthChanges#forget}).
     */
    public void signalLost(String gpuUuid) {
        changes.forget(gpuUuid);
    }

    private boolean backOff() {
        try {
            Thread.sleep(BACK_OFF.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        events.interrupt();
        poller.shutdownNow();
        try {
            events.join(Duration.ofSeconds(5).toMillis());
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
