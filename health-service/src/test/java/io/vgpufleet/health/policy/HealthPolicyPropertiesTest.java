package io.vgpufleet.health.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.HealthSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random signal sequences (no property-testing library): for each seed, a few hundred signals and
 * ticks at random intervals, and after every step the invariants the policy promises. A failure names its
 * seed, so it replays exactly.
 */
class HealthPolicyPropertiesTest {

    private static final int SEEDS = 300;
    private static final int STEPS = 250;
    private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
    private static final int[] XIDS = {13, 31, 43, 48, 63, 64, 79, 92, 94, 95};

    private final HealthPolicy policy = HealthPolicy.defaults()
            .withHysteresis(Duration.ofMinutes(5))
            .withFlapping(4, Duration.ofHours(1), Duration.ofMinutes(20));
    private final HealthPolicyEngine engine = new HealthPolicyEngine(policy);

    private record Step(Instant at, GpuHealth evidenceBefore, GpuHealth evidenceAfter) {}

    /** States the sequences reached that time cannot change, each checked against a late tick. */
    private int untimedStatesChecked;

    @Test
    void randomSignalSequencesKeepThePolicysPromises() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            run(seed);
        }
        assertThat(untimedStatesChecked).as("sequences that came back to rest, whose tick was checked")
                .isGreaterThan(SEEDS);
    }

    private void run(long seed) {
        Random random = new Random(seed);
        Instant now = T0;
        GpuHealthState state = null;
        List<Step> history = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            now = now.plusMillis(random.nextInt(90_000));
            GpuHealth before = state == null ? GpuHealth.HEALTHY : worst(state);
            Decision decision;
            String what;
            if (state != null && random.nextInt(4) == 0) {
                what = "tick";
                decision = engine.tick(state, now);
            } else {
                HealthSignal signal = signal(random, now);
                what = signal.toString();
                decision = engine.apply(state, signal, now);
            }
            GpuHealthState next = decision.state();
            history.add(new Step(now, before, worst(next)));
            String context = "seed " + seed + ", step " + i + " (" + what + ")";

            assertThat(next.health()).as(context + ": a holding finding is never outranked by the verdict")
                    .isGreaterThanOrEqualTo(worst(next));
            GpuHealth previous = state == null ? GpuHealth.HEALTHY : state.health();
            if (decision.healthChange().isEmpty()) {
                assertThat(next.health()).as(context + ": no change published, none made").isEqualTo(previous);
            } else {
                GpuHealthChanged change = decision.healthChange().orElseThrow();
                assertThat(change.previous()).as(context).isEqualTo(previous);
                assertThat(change.current()).as(context).isEqualTo(next.health()).isNotEqualTo(previous);
                assertThat(change.rule()).as(context + ": every change names its rule").isNotBlank();
                assertThat(change.evidence()).as(context + ": every change carries evidence").isNotEmpty();
                assertThat(change.changedAt()).as(context).isEqualTo(now);
                if (change.current().compareTo(previous) > 0) {
                    Finding finding = next.findings().get(change.rule());
                    assertThat(finding).as(context + ": a worse verdict comes from a finding that holds").isNotNull();
                    assertThat(finding.verdict()).as(context).isEqualTo(change.current());
                } else {
                    assertThat(change.current()).as(context + ": only a FAILED rule fails a pGPU")
                            .isNotEqualTo(GpuHealth.FAILED);
                    Instant from = now.minus(policy.hysteresis());
                    for (Step step : history) {
                        if (step.at().isAfter(from)) {
                            assertThat(step.evidenceBefore()).as(context
                                    + ": never better than evidence held within the hysteresis (at " + step.at() + ")")
                                    .isLessThanOrEqualTo(change.current());
                        }
                    }
                }
                if (change.current() == GpuHealth.DRAINING || change.current() == GpuHealth.FAILED) {
                    assertThat(next.cordoned()).as(context + ": DRAINING and FAILED are cordoned").isTrue();
                }
                decision.cordonChange().ifPresent(cordon -> assertThat(cordon.actor()).startsWith("policy:"));
            }
            if (!HealthPolicyEngine.timeCanChange(next)) {
                // the topology ticks only the states time can change: a tick of any other, however late, is a no-op
                Instant later = now.plusSeconds(random.nextInt(3 * 24 * 3_600));
                Decision late = engine.tick(next, later);
                assertThat(late.state()).as(context + ": a state time cannot change, ticked at " + later)
                        .isEqualTo(next);
                assertThat(late.changed()).as(context + ": nothing published").isFalse();
                untimedStatesChecked++;
            }
            assertThat(next.correctedErrors().size()).isLessThanOrEqualTo(HealthPolicyEngine.MAX_SAMPLES);
            assertThat(next.transitions().size()).isLessThanOrEqualTo(HealthPolicyEngine.MAX_TRANSITIONS);
            state = next;
        }
    }

    private static GpuHealth worst(GpuHealthState state) {
        return state.findings().values().stream().map(Finding::verdict).max(Enum::compareTo).orElse(GpuHealth.HEALTHY);
    }

    private static HealthSignal signal(Random random, Instant now) {
        Instant observed = now.minusMillis(random.nextInt(3_000));
        switch (random.nextInt(8)) {
            case 0, 1, 2:
                return Signals.reset(observed);
            case 3:
                long corrected = random.nextInt(60);
                return Signals.ecc(observed, corrected, random.nextInt(12) == 0 ? 1 : 0, corrected);
            case 4:
                return Signals.pages(observed, random.nextInt(40), random.nextInt(12), random.nextInt(3) == 0);
            case 5:
                return Signals.rows(observed, random.nextInt(5), random.nextInt(3), random.nextInt(3) == 0,
                        random.nextInt(15) == 0);
            case 6:
                return Signals.xid(observed, XIDS[random.nextInt(XIDS.length)]);
            default:
                return random.nextInt(10) == 0 ? Signals.lost(observed) : Signals.reset(observed);
        }
    }
}
