package io.vgpufleet.health.policy;

import static io.vgpufleet.health.policy.Signals.GPU;
import static io.vgpufleet.health.policy.Signals.HOST;
import static io.vgpufleet.health.policy.Signals.ecc;
import static io.vgpufleet.health.policy.Signals.lost;
import static io.vgpufleet.health.policy.Signals.pages;
import static io.vgpufleet.health.policy.Signals.reset;
import static io.vgpufleet.health.policy.Signals.rows;
import static io.vgpufleet.health.policy.Signals.xid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.HealthSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthPolicyEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration HYSTERESIS = HealthPolicy.defaults().hysteresis();

    private final HealthPolicyEngine engine = new HealthPolicyEngine(HealthPolicy.defaults());

    private GpuHealthState state;

    private Decision apply(HealthSignal signal, Instant now) {
        Decision decision = engine.apply(state, signal, now);
        state = decision.state();
        return decision;
    }

    private Decision tick(Instant now) {
        Decision decision = engine.tick(state, now);
        state = decision.state();
        return decision;
    }

    private static GpuHealthChanged change(Decision decision) {
        assertThat(decision.healthChange()).as("a verdict change").isPresent();
        return decision.healthChange().orElseThrow();
    }

    @Test
    void aDoubleBitErrorFailsThePgpuAndCordonsIt() {
        Decision decision = apply(ecc(T0, 0, 1, 0), T0);

        GpuHealthChanged change = change(decision);
        assertThat(change.previous()).isEqualTo(GpuHealth.HEALTHY);
        assertThat(change.current()).isEqualTo(GpuHealth.FAILED);
        assertThat(change.rule()).isEqualTo(Rules.DOUBLE_BIT_ECC);
        assertThat(change.evidence()).containsEntry("uncorrectedVolatile", "1")
                .containsEntry("signal", "EccErrorsObserved");
        assertThat(change.hostId()).isEqualTo(HOST);
        assertThat(change.changedAt()).isEqualTo(T0);
        GpuCordonChanged cordon = decision.cordonChange().orElseThrow();
        assertThat(cordon.cordoned()).isTrue();
        assertThat(cordon.actor()).isEqualTo("policy:" + Rules.DOUBLE_BIT_ECC);
        assertThat(state.cordoned()).isTrue();
    }

    @Test
    void correctedErrorsBelowTheThresholdDoNotDegrade() {
        Decision decision = apply(ecc(T0, 99, 0, 99), T0);

        assertThat(decision.healthChange()).isEmpty();
        assertThat(state.health()).isEqualTo(GpuHealth.HEALTHY);
    }

    @Test
    void correctedErrorsAtTheThresholdWithinTheWindowDegradeWithoutCordon() {
        apply(ecc(T0, 60, 0, 60), T0);
        Decision decision = apply(ecc(T0.plusSeconds(1800), 100, 0, 40), T0.plusSeconds(1800));

        GpuHealthChanged change = change(decision);
        assertThat(change.current()).isEqualTo(GpuHealth.DEGRADED);
        assertThat(change.rule()).isEqualTo(Rules.CORRECTED_ECC_RATE);
        assertThat(change.evidence()).containsEntry("correctedInWindow", "100").containsEntry("threshold", "100");
        assertThat(decision.cordonChange()).isEmpty();
    }

    @Test
    void correctedErrorsSpreadWiderThanTheWindowDoNotDegrade() {
        apply(ecc(T0, 60, 0, 60), T0);
        Instant later = T0.plus(Duration.ofHours(1)).plusSeconds(1);
        Decision decision = apply(ecc(later, 100, 0, 40), later);

        assertThat(decision.healthChange()).isEmpty();
        assertThat(state.correctedErrors()).hasSize(1);
    }

    @Test
    void theRateFindingExpiresWithTheWindowOnTicks() {
        apply(ecc(T0, 150, 0, 150), T0);
        assertThat(state.health()).isEqualTo(GpuHealth.DEGRADED);

        tick(T0.plus(Duration.ofMinutes(59)));
        assertThat(state.findings()).containsKey(Rules.CORRECTED_ECC_RATE);
        tick(T0.plus(Duration.ofHours(1)));
        assertThat(state.findings()).doesNotContainKey(Rules.CORRECTED_ECC_RATE);
        assertThat(state.health()).as("hysteresis still running").isEqualTo(GpuHealth.DEGRADED);
        Decision recovered = tick(T0.plus(Duration.ofHours(1)).plus(HYSTERESIS));
        assertThat(change(recovered).current()).isEqualTo(GpuHealth.HEALTHY);
        assertThat(change(recovered).rule()).isEqualTo(Rules.RECOVERED);
    }

    @Test
    void aPendingPageRetirementDrainsThePgpu() {
        Decision decision = apply(pages(T0, 1, 0, true), T0);

        GpuHealthChanged change = change(decision);
        assertThat(change.current()).isEqualTo(GpuHealth.DRAINING);
        assertThat(change.rule()).isEqualTo(Rules.PAGE_RETIREMENT_PENDING);
        assertThat(change.evidence()).containsEntry("pending", "true").containsEntry("singleBitEccPages", "1");
        assertThat(decision.cordonChange().orElseThrow().actor()).isEqualTo("policy:page-retirement-pending");
    }

    @Test
    void retiredPagesAtTheThresholdDegrade() {
        Decision below = apply(pages(T0, 40, 7, false), T0);
        assertThat(below.healthChange()).isEmpty();

        GpuHealthChanged change = change(apply(pages(T0.plusSeconds(30), 40, 8, false), T0.plusSeconds(30)));
        assertThat(change.current()).isEqualTo(GpuHealth.DEGRADED);
        assertThat(change.rule()).isEqualTo(Rules.RETIRED_PAGES);
        assertThat(change.evidence()).containsEntry("threshold", "48").containsEntry("doubleBitEccPages", "8");
    }

    @Test
    void aPendingRowRemapDrainsThePgpu() {
        GpuHealthChanged change = change(apply(rows(T0, 0, 1, true, false), T0));

        assertThat(change.current()).isEqualTo(GpuHealth.DRAINING);
        assertThat(change.rule()).isEqualTo(Rules.ROW_REMAP_PENDING);
    }

    @Test
    void aRowRemapFailureFailsThePgpuEvenWhenARemapIsPendingToo() {
        GpuHealthChanged change = change(apply(rows(T0, 0, 1, true, true), T0));

        assertThat(change.current()).isEqualTo(GpuHealth.FAILED);
        assertThat(change.rule()).isEqualTo(Rules.ROW_REMAP_FAILURE);
        assertThat(state.findings()).containsKeys(Rules.ROW_REMAP_FAILURE, Rules.ROW_REMAP_PENDING);
    }

    @ParameterizedTest(name = "Xid {0} -> {1}")
    @CsvSource({"48, FAILED", "63, DRAINING", "64, FAILED", "79, FAILED", "92, DEGRADED", "94, DRAINING",
            "95, FAILED"})
    void xidsMapToNvidiasMeaning(int code, GpuHealth verdict) {
        Decision decision = apply(xid(T0, code), T0);

        GpuHealthChanged change = change(decision);
        assertThat(change.current()).isEqualTo(verdict);
        assertThat(change.rule()).isEqualTo("xid-" + code);
        assertThat(change.evidence()).containsEntry("xid", Integer.toString(code));
        assertThat(decision.cordonChange().isPresent()).isEqualTo(verdict.compareTo(GpuHealth.DRAINING) >= 0);
    }

    @Test
    void anUnmappedXidDecidesNothing() {
        Decision decision = apply(xid(T0, 13), T0);

        assertThat(decision.healthChange()).isEmpty();
        assertThat(state.findings()).isEmpty();
    }

    @Test
    void aLostGpuFails() {
        GpuHealthChanged change = change(apply(lost(T0), T0));

        assertThat(change.current()).isEqualTo(GpuHealth.FAILED);
        assertThat(change.rule()).isEqualTo(Rules.GPU_LOST);
        assertThat(change.evidence()).containsEntry("reason", "NVML_ERROR_GPU_IS_LOST");
    }

    @Test
    void eccOffUnderComputeTypesDegradesWhenConfigured() {
        Decision decision = engine.configure(null, new GpuConfiguration(HOST, GPU, false, true, 1), T0);

        assertThat(change(decision).current()).isEqualTo(GpuHealth.DEGRADED);
        assertThat(change(decision).rule()).isEqualTo(Rules.ECC_DISABLED_FOR_COMPUTE);
        assertThat(engine.configure(null, new GpuConfiguration(HOST, GPU, false, false, 1), T0).healthChange())
                .as("no compute types").isEmpty();
        assertThat(engine.configure(null, new GpuConfiguration(HOST, GPU, true, true, 1), T0).healthChange())
                .as("ECC on").isEmpty();
        HealthPolicy off = new HealthPolicy(48, 100, Duration.ofHours(1), HYSTERESIS, 4, Duration.ofHours(1),
                Duration.ofMinutes(30), false, HealthPolicy.defaultXidVerdicts());
        assertThat(new HealthPolicyEngine(off).configure(null, new GpuConfiguration(HOST, GPU, false, true, 1), T0)
                .healthChange()).as("rule switched off").isEmpty();
    }

    @Test
    void eccTurnedBackOnClearsTheEccFindingAndTheVerdictRecoversAfterTheHysteresis() {
        state = engine.configure(null, new GpuConfiguration(HOST, GPU, false, true, 2), T0).state();
        assertThat(state.health()).isEqualTo(GpuHealth.DEGRADED);

        Decision on = engine.configure(state, new GpuConfiguration(HOST, GPU, true, true, 2), T0.plusSeconds(10));
        state = on.state();
        assertThat(on.healthChange()).as("within the hysteresis").isEmpty();
        assertThat(state.findings()).doesNotContainKey(Rules.ECC_DISABLED_FOR_COMPUTE);
        assertThat(change(tick(T0.plusSeconds(10).plus(HYSTERESIS))).rule()).isEqualTo(Rules.RECOVERED);
    }

    @Test
    void theSameConfigurationAgainChangesNothing() {
        GpuHealthState configured = engine.configure(null, new GpuConfiguration(HOST, GPU, true, false, 3), T0).state();

        Decision again = engine.configure(configured, new GpuConfiguration(HOST, GPU, true, false, 3), T0.plusSeconds(10));
        assertThat(again.changed()).isFalse();
        assertThat(again.state()).as("nothing to write to the store").isEqualTo(configured);
    }

    @Test
    void aFailingPgpuThatHostsVgpusIsDrainedOnceWithAnIdFromItsTransition() {
        state = engine.configure(null, new GpuConfiguration(HOST, GPU, true, false, 2), T0).state();

        Decision failed = apply(ecc(T0.plusSeconds(1), 0, 1, 0), T0.plusSeconds(1));
        assertThat(failed.cordonChange()).isPresent();
        assertThat(failed.drainRequest()).hasValueSatisfying(drain -> {
            assertThat(drain.drainId()).isEqualTo("drain-" + GPU + "-" + T0.plusSeconds(1).toEpochMilli());
            assertThat(drain.health()).isEqualTo(GpuHealth.FAILED);
            assertThat(drain.rule()).isEqualTo(Rules.DOUBLE_BIT_ECC);
            assertThat(drain.reason()).contains("2 vGPU(s)");
        });
        assertThat(engine.apply(null, ecc(T0.plusSeconds(1), 0, 1, 0), T0.plusSeconds(1)).drainRequest()
                .map(d -> d.drainId())).as("a replay of the transition without a snapshot asks with the same id")
                .isEqualTo(failed.drainRequest().map(d -> d.drainId()));
        assertThat(apply(xid(T0.plusSeconds(2), 79), T0.plusSeconds(2)).drainRequest()).isEmpty();
        assertThat(tick(T0.plusSeconds(3)).drainRequest()).isEmpty();
        assertThat(engine.configure(state, new GpuConfiguration(HOST, GPU, true, false, 1), T0.plusSeconds(4))
                .drainRequest()).as("one vGPU moved, the drain goes on").isEmpty();
    }

    @Test
    void anEmptyPgpuIsCordonedButNotDrained() {
        state = engine.configure(null, new GpuConfiguration(HOST, GPU, true, false, 0), T0).state();

        Decision draining = apply(pages(T0, 1, 0, true), T0);
        assertThat(change(draining).current()).isEqualTo(GpuHealth.DRAINING);
        assertThat(draining.cordonChange()).hasValueSatisfying(cordon -> assertThat(cordon.cordoned()).isTrue());
        assertThat(draining.drainRequest()).isEmpty();
        Decision failed = apply(ecc(T0.plusSeconds(1), 0, 1, 0), T0.plusSeconds(1));
        assertThat(change(failed).current()).isEqualTo(GpuHealth.FAILED);
        assertThat(failed.drainRequest()).as("still empty").isEmpty();
    }

    @Test
    void aVgpuThatAppearsOnADrainingPgpuIsDrainedThen() {
        state = engine.configure(null, new GpuConfiguration(HOST, GPU, true, false, 0), T0).state();
        apply(xid(T0, 63), T0);
        assertThat(state.health()).isEqualTo(GpuHealth.DRAINING);

        Instant appeared = T0.plusSeconds(30);
        Decision decision = engine.configure(state, new GpuConfiguration(HOST, GPU, true, false, 1), appeared);
        state = decision.state();
        assertThat(decision.healthChange()).isEmpty();
        assertThat(decision.drainRequest()).hasValueSatisfying(drain -> {
            assertThat(drain.drainId()).isEqualTo("drain-" + GPU + "-" + appeared.toEpochMilli());
            assertThat(drain.health()).isEqualTo(GpuHealth.DRAINING);
            assertThat(drain.rule()).isEqualTo("xid-63");
        });
        assertThat(engine.configure(state, new GpuConfiguration(HOST, GPU, true, false, 2), appeared.plusSeconds(1))
                .drainRequest()).as("the drain is under way").isEmpty();

        state = engine.configure(state, new GpuConfiguration(HOST, GPU, true, false, 0), appeared.plusSeconds(60))
                .state();
        Instant again = appeared.plusSeconds(90);
        assertThat(engine.configure(state, new GpuConfiguration(HOST, GPU, true, false, 1), again).drainRequest())
                .as("drained empty, then a vGPU came back").hasValueSatisfying(drain ->
                        assertThat(drain.drainId()).isEqualTo("drain-" + GPU + "-" + again.toEpochMilli()));
    }

    @Test
    void withoutASnapshotADrainIsRequestedAnyway() {
        Decision decision = apply(lost(T0), T0);

        assertThat(decision.drainRequest()).hasValueSatisfying(drain ->
                assertThat(drain.reason()).contains("has not reported"));
        assertThat(engine.configure(state, new GpuConfiguration(HOST, GPU, true, false, 3), T0.plusSeconds(1))
                .drainRequest()).as("already asked").isEmpty();
    }

    @Test
    void recoveringEndsTheSpellSoTheNextFailureDrainsAgain() {
        state = engine.configure(null, new GpuConfiguration(HOST, GPU, true, false, 1), T0).state();
        assertThat(apply(pages(T0, 1, 0, true), T0).drainRequest()).isPresent();
        apply(pages(T0.plusSeconds(1), 1, 0, false), T0.plusSeconds(1));
        apply(reset(T0.plusSeconds(1)), T0.plusSeconds(1));
        Instant recovered = T0.plusSeconds(1).plus(HYSTERESIS);
        assertThat(change(tick(recovered)).current()).isEqualTo(GpuHealth.HEALTHY);
        assertThat(state.drainRequestedAt()).isNull();

        assertThat(apply(ecc(recovered.plusSeconds(1), 0, 1, 0), recovered.plusSeconds(1)).drainRequest()).isPresent();
    }

    @Test
    void xidVerdictsAreConfigurable() {
        HealthPolicy custom = new HealthPolicy(48, 100, Duration.ofHours(1), HYSTERESIS, 4, Duration.ofHours(1),
                Duration.ofMinutes(30), true, Map.of(43, GpuHealth.DEGRADED));
        Decision decision = new HealthPolicyEngine(custom).apply(null, xid(T0, 43), T0);

        assertThat(change(decision).current()).isEqualTo(GpuHealth.DEGRADED);
        assertThat(new HealthPolicyEngine(custom).apply(null, xid(T0, 48), T0).healthChange()).isEmpty();
    }

    @Test
    void aWorseRuleEscalatesAtOnceAndKeepsTheFirstCordon() {
        Decision draining = apply(pages(T0, 1, 0, true), T0);
        Decision failed = apply(xid(T0.plusSeconds(5), 95), T0.plusSeconds(5));

        assertThat(change(draining).current()).isEqualTo(GpuHealth.DRAINING);
        assertThat(change(failed).previous()).isEqualTo(GpuHealth.DRAINING);
        assertThat(change(failed).current()).isEqualTo(GpuHealth.FAILED);
        assertThat(change(failed).rule()).isEqualTo("xid-95");
        assertThat(failed.cordonChange()).as("already cordoned").isEmpty();
    }

    @Test
    void policyRejectsNonsense() {
        assertThatThrownBy(() -> new HealthPolicy(0, 100, Duration.ofHours(1), HYSTERESIS, 4, Duration.ofHours(1),
                Duration.ofMinutes(30), true, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HealthPolicy(48, 100, Duration.ZERO, HYSTERESIS, 4, Duration.ofHours(1),
                Duration.ofMinutes(30), true, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HealthPolicy(48, 100, Duration.ofHours(1), HYSTERESIS, 4, Duration.ofHours(1),
                Duration.ofMinutes(30), true, Map.of(48, GpuHealth.HEALTHY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResetKeepsTheVerdictUntilTheHysteresisThenRecoversAndUncordons() {
        apply(pages(T0, 1, 0, true), T0);
        Instant resetAt = T0.plusSeconds(60);
        Decision afterReset = apply(pages(resetAt, 0, 0, false), resetAt);
        apply(reset(resetAt), resetAt);

        assertThat(afterReset.healthChange()).isEmpty();
        assertThat(state.findings()).isEmpty();
        assertThat(tick(resetAt.plus(HYSTERESIS).minusMillis(1)).healthChange()).isEmpty();
        assertThat(state.health()).isEqualTo(GpuHealth.DRAINING);

        Decision recovered = tick(resetAt.plus(HYSTERESIS));
        GpuHealthChanged change = change(recovered);
        assertThat(change.current()).isEqualTo(GpuHealth.HEALTHY);
        assertThat(change.rule()).isEqualTo(Rules.RECOVERED);
        assertThat(change.evidence()).containsEntry("previousRule", Rules.PAGE_RETIREMENT_PENDING);
        GpuCordonChanged uncordon = recovered.cordonChange().orElseThrow();
        assertThat(uncordon.cordoned()).isFalse();
        assertThat(uncordon.actor()).isEqualTo("policy:recovered");
    }

    @Test
    void newEvidenceDuringTheHysteresisRestartsIt() {
        apply(ecc(T0, 0, 1, 0), T0);
        apply(reset(T0.plusSeconds(10)), T0.plusSeconds(10));
        Instant again = T0.plusSeconds(200);
        apply(ecc(again, 0, 1, 0), again);
        apply(reset(again.plusSeconds(10)), again.plusSeconds(10));

        assertThat(tick(T0.plusSeconds(10).plus(HYSTERESIS)).healthChange()).isEmpty();
        assertThat(state.health()).isEqualTo(GpuHealth.FAILED);
        assertThat(change(tick(again.plusSeconds(10).plus(HYSTERESIS))).current()).isEqualTo(GpuHealth.HEALTHY);
    }

    @Test
    void aStepDownToAFindingThatStillHoldsTakesItsRule() {
        apply(rows(T0, 0, 1, true, false), T0);
        apply(ecc(T0, 0, 1, 0), T0);
        assertThat(state.health()).isEqualTo(GpuHealth.FAILED);

        apply(reset(T0.plusSeconds(1)), T0.plusSeconds(1));
        GpuHealthChanged stepDown = change(tick(T0.plusSeconds(1).plus(HYSTERESIS)));

        assertThat(stepDown.current()).isEqualTo(GpuHealth.DRAINING);
        assertThat(stepDown.rule()).isEqualTo(Rules.ROW_REMAP_PENDING);
    }

    @Test
    void aStepDownToALevelSeenMoreRecentlyIsRecovering() {
        apply(ecc(T0, 0, 1, 0), T0);
        apply(reset(T0.plusSeconds(1)), T0.plusSeconds(1));
        apply(pages(T0.plusSeconds(100), 1, 0, true), T0.plusSeconds(100));
        apply(pages(T0.plusSeconds(200), 1, 0, false), T0.plusSeconds(200));

        GpuHealthChanged stepDown = change(tick(T0.plusSeconds(1).plus(HYSTERESIS)));
        assertThat(stepDown.current()).isEqualTo(GpuHealth.DRAINING);
        assertThat(stepDown.rule()).isEqualTo(Rules.RECOVERING);
        assertThat(stepDown.evidence()).containsEntry("previousRule", Rules.DOUBLE_BIT_ECC);

        assertThat(tick(T0.plusSeconds(200).plus(HYSTERESIS).minusMillis(1)).healthChange()).isEmpty();
        assertThat(change(tick(T0.plusSeconds(200).plus(HYSTERESIS))).current()).isEqualTo(GpuHealth.HEALTHY);
    }

    @Test
    void anXidHoldsUntilAResetIsObservedAfterIt() {
        apply(xid(T0, 79), T0);
        apply(reset(T0.minusSeconds(5)), T0.plusSeconds(1));
        assertThat(state.findings()).as("a poll older than the Xid is no reset").containsKey("xid-79");

        apply(reset(T0.plusSeconds(30)), T0.plusSeconds(30));
        assertThat(state.findings()).isEmpty();
        assertThat(tick(T0.plusSeconds(30).plus(HYSTERESIS)).healthChange().orElseThrow().current())
                .isEqualTo(GpuHealth.HEALTHY);
    }

    @Test
    void aLostGpuHoldsUntilAResetIsObserved() {
        apply(lost(T0), T0);
        assertThat(tick(T0.plus(Duration.ofHours(2))).healthChange()).isEmpty();
        assertThat(state.health()).isEqualTo(GpuHealth.FAILED);

        apply(reset(T0.plus(Duration.ofHours(3))), T0.plus(Duration.ofHours(3)));
        assertThat(tick(T0.plus(Duration.ofHours(3)).plus(HYSTERESIS)).healthChange()).isPresent();
    }

    @Test
    void aFlappingPgpuIsHeldDegradedForTheFlapHold() {
        HealthPolicy policy = HealthPolicy.defaults().withFlapping(4, Duration.ofHours(1), Duration.ofMinutes(30));
        HealthPolicyEngine flapping = new HealthPolicyEngine(policy);
        GpuHealthState s = null;
        Instant now = T0;
        // two full cycles: HEALTHY -> DRAINING -> HEALTHY -> DRAINING -> HEALTHY (4 transitions)
        for (int cycle = 0; cycle < 2; cycle++) {
            s = flapping.apply(s, pages(now, 1, 0, true), now).state();
            s = flapping.apply(s, pages(now, 0, 0, false), now.plusSeconds(1)).state();
            now = now.plusSeconds(1).plus(HYSTERESIS);
            Decision recovered = flapping.tick(s, now);
            assertThat(recovered.healthChange().orElseThrow().current()).isEqualTo(GpuHealth.HEALTHY);
            s = recovered.state();
            now = now.plusSeconds(10);
        }
        s = flapping.apply(s, pages(now, 1, 0, true), now).state();
        Instant cleared = now.plusSeconds(1);
        s = flapping.apply(s, pages(now, 0, 0, false), cleared).state();

        Decision held = flapping.tick(s, cleared.plus(HYSTERESIS));
        GpuHealthChanged change = held.healthChange().orElseThrow();
        assertThat(change.current()).isEqualTo(GpuHealth.DEGRADED);
        assertThat(change.rule()).isEqualTo(Rules.FLAPPING);
        assertThat(change.evidence()).containsEntry("transitions", "5");
        assertThat(held.cordonChange()).as("the cordon stays until HEALTHY").isEmpty();
        assertThat(held.state().cordoned()).isTrue();
        s = held.state();

        assertThat(flapping.tick(s, cleared.plus(Duration.ofMinutes(30)).minusMillis(1)).healthChange()).isEmpty();
        Decision healthy = flapping.tick(s, cleared.plus(Duration.ofMinutes(30)));
        assertThat(healthy.healthChange().orElseThrow().current()).isEqualTo(GpuHealth.HEALTHY);
        assertThat(healthy.cordonChange().orElseThrow().cordoned()).isFalse();
    }

    @Test
    void transitionsOlderThanTheFlapWindowDoNotCount() {
        apply(pages(T0, 1, 0, true), T0);
        apply(pages(T0, 0, 0, false), T0);
        tick(T0.plus(HYSTERESIS));
        Instant later = T0.plus(Duration.ofHours(2));
        apply(pages(later, 1, 0, true), later);
        apply(pages(later, 0, 0, false), later);

        assertThat(change(tick(later.plus(HYSTERESIS))).current()).isEqualTo(GpuHealth.HEALTHY);
    }

    @Test
    void zeroHysteresisRecoversOnTheClearingSignal() {
        HealthPolicyEngine eager = new HealthPolicyEngine(HealthPolicy.defaults().withHysteresis(Duration.ZERO));
        GpuHealthState s = eager.apply(null, rows(T0, 0, 1, true, false), T0).state();

        assertThat(eager.apply(s, rows(T0, 0, 1, false, false), T0.plusSeconds(1)).healthChange().orElseThrow()
                .current()).isEqualTo(GpuHealth.HEALTHY);
    }

    @Test
    void theOperatorsCordonIsNeverLiftedByThePolicy() {
        state = engine.cordonObserved(null,
                new GpuCordonChanged(GPU, HOST, true, "bad fan", "operator", T0));
        Decision draining = apply(pages(T0, 1, 0, true), T0.plusSeconds(1));
        apply(pages(T0, 0, 0, false), T0.plusSeconds(2));
        Decision recovered = tick(T0.plusSeconds(2).plus(HYSTERESIS));

        assertThat(draining.cordonChange()).as("cordoned already").isEmpty();
        assertThat(change(recovered).current()).isEqualTo(GpuHealth.HEALTHY);
        assertThat(recovered.cordonChange()).isEmpty();
        assertThat(state.cordon().actor()).isEqualTo("operator");
    }

    @Test
    void anOperatorsUncordonIsRememberedAndTheNextFailureCordonsAgain() {
        apply(ecc(T0, 0, 1, 0), T0);
        state = engine.cordonObserved(state, new GpuCordonChanged(GPU, HOST, false, "checked", "operator", T0));
        apply(reset(T0.plusSeconds(1)), T0.plusSeconds(1));
        Decision recovered = tick(T0.plusSeconds(1).plus(HYSTERESIS));
        assertThat(recovered.cordonChange()).as("nothing to lift").isEmpty();

        Instant again = T0.plus(Duration.ofHours(1));
        assertThat(apply(xid(again, 48), again).cordonChange()).isPresent();
    }
}
