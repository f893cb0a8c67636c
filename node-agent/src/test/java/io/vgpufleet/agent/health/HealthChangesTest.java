package io.vgpufleet.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.SignalSource;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HealthChangesTest {

    private static final String GPU = "GPU-11111111-2222-3333-4444-555555555555";
    private static final String BDF = "0000:3b:00.0";
    private static final Instant AT = Instant.parse("2026-01-01T12:00:00Z");

    private final HealthChanges changes = new HealthChanges("sim-01");

    @Test
    void aSteadyGpuSignalsNothingHoweverOftenPolled() {
        NvmlHealthSample healthy = sample(EccCounters.ZERO, pages(0, 0, false), null);
        for (int i = 0; i < 100; i++) {
            assertThat(poll(healthy)).isEmpty();
        }
    }

    @Test
    void errorsFromBeforeTheStartAreTheBaselineWithAZeroDelta() {
        List<HealthSignal> signals = poll(sample(new EccCounters(1, 0, 7, 2), pages(1, 0, false), null));

        assertThat(signals).containsExactly(
                new EccErrorsObserved("sim-01", GPU, AT, SignalSource.POLL, new EccCounters(1, 0, 7, 2), EccCounters.ZERO),
                new PagesRetired("sim-01", GPU, AT, SignalSource.POLL, 1, 0, false));
    }

    @Test
    void signalsEachChangeOnceWithItsDelta() {
        poll(sample(EccCounters.ZERO, pages(0, 0, false), null));

        assertThat(poll(sample(new EccCounters(3, 0, 3, 0), pages(0, 0, false), null))).containsExactly(
                new EccErrorsObserved("sim-01", GPU, AT, SignalSource.POLL, new EccCounters(3, 0, 3, 0),
                        new EccCounters(3, 0, 3, 0)));
        assertThat(poll(sample(new EccCounters(3, 0, 3, 0), pages(0, 0, false), null))).isEmpty();
        assertThat(poll(sample(new EccCounters(3, 0, 3, 0), pages(0, 0, true), null))).containsExactly(
                new PagesRetired("sim-01", GPU, AT, SignalSource.POLL, 0, 0, true));
    }

    @Test
    void afterASignalWasLostTheNextPollSignalsTheCountersInFullAgain() {
        poll(sample(EccCounters.ZERO, pages(0, 0, false), null));
        poll(sample(new EccCounters(3, 1, 3, 1), pages(0, 1, true), null));
        assertThat(poll(sample(new EccCounters(3, 1, 3, 1), pages(0, 1, true), null))).isEmpty();

        changes.forget(GPU);

        assertThat(poll(sample(new EccCounters(3, 1, 3, 1), pages(0, 1, true), null))).containsExactly(
                new EccErrorsObserved("sim-01", GPU, AT, SignalSource.POLL, new EccCounters(3, 1, 3, 1),
                        EccCounters.ZERO),
                new PagesRetired("sim-01", GPU, AT, SignalSource.POLL, 0, 1, true));
        assertThat(poll(sample(new EccCounters(3, 1, 3, 1), pages(0, 1, true), null))).isEmpty();
    }

    @Test
    void afterAResetTheRestartedVolatileCounterIsItsOwnDelta() {
        poll(sample(new EccCounters(5, 1, 5, 1), null, null));

        List<HealthSignal> afterReset = poll(sample(new EccCounters(2, 0, 7, 1), null, null));

        assertThat(afterReset).singleElement().isInstanceOfSatisfying(EccErrorsObserved.class,
                ecc -> assertThat(ecc.delta()).isEqualTo(new EccCounters(2, 0, 2, 0)));
    }

    @Test
    void anEccEventAlwaysSignalsAndThePollDoesNotRepeatIt() {
        poll(sample(EccCounters.ZERO, null, rows(0, 0, false, false)));
        NvmlHealthSample afterError = sample(new EccCounters(0, 1, 0, 1), null, rows(0, 0, false, false));

        List<HealthSignal> fromEvent = changes.eccEvent(GPU, afterError, AT);

        assertThat(fromEvent).containsExactly(new EccErrorsObserved("sim-01", GPU, AT, SignalSource.EVENT,
                new EccCounters(0, 1, 0, 1), new EccCounters(0, 1, 0, 1)));
        assertThat(poll(afterError)).isEmpty();
        assertThat(poll(sample(new EccCounters(0, 1, 0, 1), null, rows(0, 0, true, false)))).containsExactly(
                new RowsRemapped("sim-01", GPU, AT, SignalSource.POLL, 0, 0, true, false));
    }

    @Test
    void anUnavailableSampleSignalsNothingAndForgetsNothing() {
        poll(sample(new EccCounters(1, 0, 1, 0), null, null));

        assertThat(poll(NvmlHealthSample.unavailable(BDF, "NVML_ERROR_GPU_IS_LOST"))).isEmpty();
        assertThat(poll(sample(new EccCounters(1, 0, 1, 0), null, null))).isEmpty();
    }

    @Test
    void deltasNeverGoNegativeAndSumToTheRiseWithoutResets() {
        Random random = new Random(7);
        for (int run = 0; run < 1_000; run++) {
            EccCounters before = counters(random);
            EccCounters now = counters(random);
            EccCounters delta = HealthChanges.delta(before, now);
            assertThat(delta.correctedVolatile())
                    .isEqualTo(now.correctedVolatile() >= before.correctedVolatile()
                            ? now.correctedVolatile() - before.correctedVolatile() : now.correctedVolatile());
            assertThat(delta.uncorrectedAggregate()).isBetween(0L, now.uncorrectedAggregate());
        }
    }

    private List<HealthSignal> poll(NvmlHealthSample sample) {
        return changes.observe(GPU, sample, AT, SignalSource.POLL);
    }

    private static EccCounters counters(Random random) {
        return new EccCounters(random.nextInt(50), random.nextInt(50), random.nextInt(50), random.nextInt(50));
    }

    private static NvmlHealthSample sample(EccCounters ecc, NvmlHealthSample.RetiredPages pages,
            NvmlHealthSample.RemappedRows rows) {
        return new NvmlHealthSample(BDF, ecc, pages, rows, null);
    }

    private static NvmlHealthSample.RetiredPages pages(int sbe, int dbe, boolean pending) {
        return new NvmlHealthSample.RetiredPages(sbe, dbe, pending);
    }

    private static NvmlHealthSample.RemappedRows rows(int correctable, int uncorrectable, boolean pending,
            boolean failure) {
        return new NvmlHealthSample.RemappedRows(correctable, uncorrectable, pending, failure);
    }
}
