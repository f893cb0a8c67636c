package io.vgpufleet.inventory.claims.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.inventory.claims.streams.ClaimTopology;
import io.vgpufleet.inventory.fleet.InventoryMetrics;
import io.vgpufleet.service.messaging.ServiceMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts what the ledgers of this instance decide (claim changes by state, refusals by command type) and
 * times the claim path by stage ({@link InventoryMetrics#CLAIM_STAGE}), so that where a claim's latency
 * goes is measured, not guessed.
 */
final class ClaimMeters implements ClaimTopology.Listener {

    private final MeterRegistry meters;
    final Timer queued;
    final Timer placed;
    final Timer produced;
    final Timer decided;
    private final Timer ledgerLag;
    private final Timer directoryLag;

    ClaimMeters(MeterRegistry meters) {
        this.meters = meters;
        this.queued = stage("queued");
        this.placed = stage("placed");
        this.produced = stage("produced");
        this.decided = stage("decided");
        this.ledgerLag = timer(Timer.builder(InventoryMetrics.CLAIM_LEDGER_LAG)
                .description("claim command produced until a ledger of this instance takes it"));
        this.directoryLag = timer(Timer.builder(InventoryMetrics.CLAIM_DIRECTORY_LAG)
                .description("claim command produced until its outcome reaches this instance's directory"));
    }

    @Override
    public void changed(ClaimChanged change) {
        meters.counter(InventoryMetrics.CLAIM_CHANGES, "state", change.state().name()).increment();
    }

    @Override
    public void refused(String ceType) {
        meters.counter(InventoryMetrics.CLAIM_REFUSALS, "command", ceType).increment();
    }

    /** The counter every consumer of the services counts its dead letters in, by the topic the record came from. */
    @Override
    public void deadLettered(String topic, String reason) {
        meters.counter(ServiceMetrics.RECORDS_DEAD_LETTERED, "topic", topic).increment();
    }

    @Override
    public void tombstoned() {
        meters.counter(InventoryMetrics.CLAIM_TOMBSTONES).increment();
    }

    @Override
    public void commandTaken(long producedAtMs, long nowMs) {
        ledgerLag.record(Math.max(0, nowMs - producedAtMs), TimeUnit.MILLISECONDS);
    }

    /** A claim change reached the directory; {@code producedAtMs} is its record's timestamp. */
    void reachedDirectory(long producedAtMs, long nowMs) {
        directoryLag.record(Math.max(0, nowMs - producedAtMs), TimeUnit.MILLISECONDS);
    }

    /** A POST's whole time in the service, by outcome. */
    void claimed(String outcome, long nanos) {
        timer(Timer.builder(InventoryMetrics.CLAIM_DURATION).tag("outcome", outcome)
                .description("POST /claims in the service")).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer stage(String stage) {
        return timer(Timer.builder(InventoryMetrics.CLAIM_STAGE).tag("stage", stage)
                .description("one stage of POST /claims"));
    }

    private Timer timer(Timer.Builder builder) {
        return builder.publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
    }
}
