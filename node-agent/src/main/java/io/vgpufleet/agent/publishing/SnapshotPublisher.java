package io.vgpufleet.agent.publishing;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the host's snapshot on Kafka current: the full snapshot at start, again whenever discovery
 * (every {@link #DISCOVERY_INTERVAL}) finds content that differs from the last one published
 * (sequence and time aside), and as a heartbeat when nothing changed for the heartbeat interval. A
 * snapshot the broker did not take is sent again, with the state of then, on the next tick.
 *
 * <p>Broker outage: once a send fails (the broker did not take it in time, or the producer refused it),
 * the next send (a tick or {@link #publishChange}) is a fresh full snapshot with the reason {@code
 * recovered}, whether or not the host changed, so consumers that missed changes during the outage get
 * the whole current state; each one the broker takes counts in {@link AgentMetrics#SNAPSHOTS_RECOVERED}.
 *
 * <p>It owns discovery: every discovery in the agent goes through {@link #discover()}, one at a time.
 *
 * <pre>{@code
 * SnapshotPublisher snapshots = new SnapshotPublisher(hostId, version, discovery, publisher, clock, heartbeat, metrics);
 * snapshots.start();                 // publishes the first snapshot, then ticks every second
 * snapshots.publishChange("command"); // after the agent changed the host
 * snapshots.close();
 * }</pre>
 */
public final class SnapshotPublisher implements AutoCloseable {

    public static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(1);
    /** The reason of the full snapshot sent after the broker failed to take one. */
    public static final String RECOVERED = "recovered";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final String hostId;
    private final String agentVersion;
    private final HostDiscovery discovery;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Duration heartbeat;
    private final AgentMetrics metrics;
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "snapshot-publisher");
        thread.setDaemon(true);
        return thread;
    });

    private @Nullable DiscoveredHost lastPublished;
    private volatile @Nullable DiscoveredHost lastDiscovered;
    private volatile @Nullable Instant lastPublishedAt;
    private volatile boolean kafkaOk;
    /** A send failed since the last one the broker took: the next send is a full {@code recovered} snapshot. */
    private boolean recoveryPending;

    public SnapshotPublisher(String hostId, String agentVersion, HostDiscovery discovery, EventPublisher publisher,
            Clock clock, Duration heartbeat, AgentMetrics metrics) {
        this.hostId = hostId;
        this.agentVersion = agentVersion;
        this.discovery = discovery;
        this.publisher = publisher;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.metrics = metrics;
    }

    /** Publishes the first snapshot (waiting for the broker) and starts the ticks. */
    public void start() {
        publish(discover(), "start");
        ticker.scheduleWithFixedDelay(this::tick, DISCOVERY_INTERVAL.toMillis(), DISCOVERY_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Discovers the host now; the only way the agent discovers, so discoveries never overlap. */
    public synchronized DiscoveredHost discover() {
        long started = System.nanoTime();
        DiscoveredHost host = discovery.discover();
        lastDiscovered = host;
        metrics.discovered(Duration.ofNanos(System.nanoTime() - started), host.problems().size(), host.gpus().size(),
                host.vgpus().size());
        return host;
    }

    /** Discovers and publishes if the host changed; the agent calls it after changing the host itself. */
    public synchronized void publishChange(String reason) {
        DiscoveredHost host = discover();
        if (recoveryPending) {
            publish(host, RECOVERED);
        } else if (lastPublished == null || !host.sameContentAs(lastPublished)) {
            publish(host, reason);
        }
    }

    /** The latest discovery, without discovering again (empty before the first). */
    public Optional<DiscoveredHost> lastDiscovered() {
        return Optional.ofNullable(lastDiscovered);
    }

    public Optional<Instant> lastPublishedAt() {
        return Optional.ofNullable(lastPublishedAt);
    }

    /** Whether the last snapshot sent reached the broker. */
    public boolean kafkaOk() {
        return kafkaOk;
    }

    synchronized void tick() {
        try {
            DiscoveredHost host = discover();
            Instant now = clock.instant();
            if (recoveryPending) {
                publish(host, RECOVERED);
            } else if (lastPublished == null || !host.sameContentAs(lastPublished)) {
                publish(host, "change");
            } else if (lastPublishedAt == null || !now.isBefore(lastPublishedAt.plus(heartbeat))) {
                publish(host, "heartbeat");
            }
        } catch (RuntimeException e) {
            log.error("snapshot tick failed; the next tick tries again", e);
        }
    }

    private synchronized void publish(DiscoveredHost host, String reason) {
        Instant now = clock.instant();
        HostSnapshot snapshot = host.toSnapshot(hostId, sequence.incrementAndGet(), now, agentVersion);
        try {
            publisher.publish(snapshot).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            lastPublished = host;
            lastPublishedAt = now;
            kafkaOk = true;
            recoveryPending = false;
            metrics.snapshotPublished(reason);
            if (RECOVERED.equals(reason)) {
                metrics.snapshotRecovered();
                log.info("broker takes snapshots again: published a full snapshot {} of {}", snapshot.sequence(),
                        hostId);
            }
            log.debug("published snapshot {} of {} ({})", snapshot.sequence(), hostId, reason);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            kafkaOk = false;
            recoveryPending = true;
            metrics.snapshotFailed();
            log.warn("snapshot {} of {} was not taken by the broker: {}", snapshot.sequence(), hostId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
