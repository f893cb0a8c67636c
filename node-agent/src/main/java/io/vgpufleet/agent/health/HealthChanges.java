package io.vgpufleet.agent.health;

import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.SignalSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decides which health signals a pGPU's latest counters call for: one per part (ECC counters, retired
 * pages, remapped rows) that differs from what was last signalled for that GPU, so a steady GPU
 * publishes nothing however often it is polled.
 *
 * <ul>
 *   <li>ECC deltas are per counter: the rise since the last signal, or, where a counter went down (a
 *       reset restarts the volatile counters), the new value itself, as the contract says.
 *   <li>The first sample of a GPU after the agent starts is the baseline: signalled only where it is not
 *       all zero (errors from before the start), with a zero ECC delta, since what happened before is
 *       not known to this process.
 *   <li>An unavailable sample (GPU lost, NVML failing) signals nothing and forgets nothing: the next
 *       good sample is compared with the last good one.
 *   <li>A signal the broker did not take ({@link #forget}) makes the GPU's next sample a baseline again:
 *       its absolute counters, pages and rows are signalled anew (with a zero ECC delta: the lost delta
 *       is not made up), so the health-service never stays behind what the GPU says.
 * </ul>
 *
 * <p>Pure apart from its memory of the last signals; thread-safe, so the events thread and the poller
 * share one instance and never signal the same change twice.
 */
public final class HealthChanges {

    private final String hostId;
    private final Map<String, NvmlHealthSample> lastSignalled = new HashMap<>();

    public HealthChanges(String hostId) {
        this.hostId = hostId;
    }

    /** The signals this sample of the GPU calls for (possibly none); remembers it as signalled. */
    public synchronized List<HealthSignal> observe(String gpuUuid, NvmlHealthSample sample, Instant at,
            SignalSource source) {
        if (sample.unavailableReason() != null) {
            return List.of();
        }
        NvmlHealthSample before = lastSignalled.get(gpuUuid);
        List<HealthSignal> signals = new ArrayList<>();
        EccCounters ecc = sample.ecc();
        if (ecc != null && changed(before == null ? null : before.ecc(), ecc, EccCounters.ZERO)) {
            signals.add(eccSignal(gpuUuid, before == null ? null : before.ecc(), ecc, at, source));
        }
        NvmlHealthSample.RetiredPages pages = sample.retiredPages();
        if (pages != null && changed(before == null ? null : before.retiredPages(), pages,
                new NvmlHealthSample.RetiredPages(0, 0, false))) {
            signals.add(new PagesRetired(hostId, gpuUuid, at, source, pages.singleBitEcc(), pages.doubleBitEcc(),
                    pages.pending()));
        }
        NvmlHealthSample.RemappedRows rows = sample.remappedRows();
        if (rows != null && changed(before == null ? null : before.remappedRows(), rows,
                new NvmlHealthSample.RemappedRows(0, 0, false, false))) {
            signals.add(new RowsRemapped(hostId, gpuUuid, at, source, rows.correctable(), rows.uncorrectable(),
                    rows.pending(), rows.failure()));
        }
        lastSignalled.put(gpuUuid, merged(before, sample));
        return signals;
    }

    /**
     * Forgets what was signalled for the GPU, because a signal for it was lost (the broker did not take
     * it): the next sample is signalled as a baseline, where it is not all zero.
     */
    public synchronized void forget(String gpuUuid) {
        lastSignalled.remove(gpuUuid);
    }

    /**
     * The ECC signal an ECC event calls for: always one (the event is a fact worth saying even where a
     * poll already signalled the counters), with the fresh counters and the delta since the last signal.
     * Empty where the sample has no ECC counters.
     */
    public synchronized List<HealthSignal> eccEvent(String gpuUuid, NvmlHealthSample sample, Instant at) {
        EccCounters ecc = sample.ecc();
        if (sample.unavailableReason() != null || ecc == null) {
            return List.of();
        }
        NvmlHealthSample before = lastSignalled.get(gpuUuid);
        EccErrorsObserved signal = eccSignal(gpuUuid, before == null ? EccCounters.ZERO : before.ecc(), ecc, at,
                SignalSource.EVENT);
        lastSignalled.put(gpuUuid, new NvmlHealthSample(sample.pciBdf(), ecc,
                before == null ? null : before.retiredPages(), before == null ? null : before.remappedRows(), null));
        return List.of(signal);
    }

    private EccErrorsObserved eccSignal(String gpuUuid, @Nullable EccCounters before, EccCounters now, Instant at,
            SignalSource source) {
        EccCounters delta = before == null ? EccCounters.ZERO : delta(before, now);
        return new EccErrorsObserved(hostId, gpuUuid, at, source, now, delta);
    }

    /** Per counter: the rise, or the new value where the counter went down (it restarted). */
    public static EccCounters delta(EccCounters before, EccCounters now) {
        return new EccCounters(
                rise(before.correctedVolatile(), now.correctedVolatile()),
                rise(before.uncorrectedVolatile(), now.uncorrectedVolatile()),
                rise(before.correctedAggregate(), now.correctedAggregate()),
                rise(before.uncorrectedAggregate(), now.uncorrectedAggregate()));
    }

    private static long rise(long before, long now) {
        return now >= before ? now - before : now;
    }

    /** Changed since the last signal; on the first sample, "changed" means "not all zero". */
    private static <T> boolean changed(@Nullable T before, T now, T zero) {
        return before == null ? !now.equals(zero) : !Objects.equals(before, now);
    }

    /** The new sample, keeping the last known value of any part it lacks. */
    private static NvmlHealthSample merged(@Nullable NvmlHealthSample before, NvmlHealthSample now) {
        if (before == null) {
            return now;
        }
        return new NvmlHealthSample(now.pciBdf(),
                now.ecc() != null ? now.ecc() : before.ecc(),
                now.retiredPages() != null ? now.retiredPages() : before.retiredPages(),
                now.remappedRows() != null ? now.remappedRows() : before.remappedRows(),
                null);
    }
}
