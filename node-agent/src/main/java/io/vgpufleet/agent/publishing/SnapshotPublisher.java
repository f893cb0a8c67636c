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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    /** The content last handed to the producer (the broker may still be answering). */
    private @Nullable DiscoveredHost lastPublished;
    private volatile @Nullable DiscoveredHost lastDiscovered;
    private volatile @Nullable Instant lastPublishedAt;
    private volatile boolean kafkaOk;
    /**
     * A send failed since the last one the broker took: the next send is a full {@code recovered} snapshot. Set
     * by the producer's thread, read by the sending one.
     */
    private volatile boolean recoveryPending;

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

    /** Publishes the first snapshot (waiting for the broker's answer) and starts the ticks. */
    public void start() {
        try {
            publish(discover(), "start").get();
        } catch (ExecutionException e) {
            // answered: the next tick sends a recovered snapshot
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /**
     * Hands the snapshot to the producer and returns at once: the broker's answer is taken in by {@link
     * #answered} on the producer's thread, so neither a command batch nor the next tick waits for it (a command
     * reply is already on its way when the batch's snapshot goes out; waiting for the snapshot's acknowledgement
     * held the command intake for that round trip). The content counts as published from the send on, so an
     * unchanged host sends nothing more; a send the broker then refuses or does not take within {@link
     * #SEND_TIMEOUT} makes the next send a full {@code recovered} snapshot.
     */
    private synchronized CompletableFuture<?> publish(DiscoveredHost host, String reason) {
        Instant now = clock.instant();
        HostSnapshot snapshot = host.toSnapshot(hostId, sequence.incrementAndGet(), now, agentVersion);
        CompletableFuture<?> sent;
        try {
            sent = publisher.publish(snapshot);
        } catch (RuntimeException e) {
            answered(snapshot, reason, now, e);
            return CompletableFuture.failedFuture(e);
        }
        lastPublished = host;
        recoveryPending = false;
        // no lock in the answer: the producer's thread must never wait for a tick or a batch that is sending
        return sent.orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> answered(snapshot, reason, now, failure));
    }

    private void answered(HostSnapshot snapshot, String reason, Instant sentAt, @Nullable Throwable failure) {
        if (failure != null) {
            kafkaOk = false;
            recoveryPending = true;
            metrics.snapshotFailed();
            log.warn("snapshot {} of {} was not taken by the broker: {}", snapshot.sequence(), hostId, failure.toString());
            return;
        }
        lastPublishedAt = sentAt;
        kafkaOk = true;
        metrics.snapshotPublished(reason);
        if (RECOVERED.equals(reason)) {
            metrics.snapshotRecovered();
            log.info("broker takes snapshots again: published a full snapshot {} of {}", snapshot.sequence(), hostId);
        }
        log.debug("published snapshot {} of {} ({})", snapshot.sequence(), hostId, reason);
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
