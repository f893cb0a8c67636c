package io.vgpufleet.health.policy;

import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.GpuLost;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.XidErrorObserved;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The health policy: {@code (state, signal, now) -> decision} and {@code (state, now) -> decision} for the
 * passing of time. Pure and deterministic: time comes in as {@code now}.
 *
 * <p>How a verdict is reached:
 * <ol>
 *   <li>Each signal replaces the findings of its kind (an ECC signal the ECC findings, a row-remap signal the
 *       row-remap findings); Xid and lost-GPU findings are events and hold until a reset is evidenced by an
 *       ECC signal with zero volatile counters observed after them.
 *   <li>The target is the worst verdict of the findings that hold (HEALTHY when none does).
 *   <li>A worse target is taken at once. A better one only after the hysteresis: the verdict stays at the
 *       highest level whose evidence was held within the last {@code hysteresis}; a pGPU that changed verdict
 *       {@code flapTransitions} times within {@code flapWindow} stays at least DEGRADED for {@code flapHold}.
 *   <li>Entering DRAINING or FAILED cordons the pGPU ({@code policy:<rule>}) unless it is cordoned already;
 *       returning to HEALTHY lifts the cordon only when the policy set it.
 * </ol>
 *
 * <pre>{@code
 * HealthPolicyEngine engine = new HealthPolicyEngine(HealthPolicy.defaults());
 * Decision d = engine.apply(store.get(gpu), signal, now);   // null state: a pGPU first seen
 * store.put(gpu, d.state());
 * d.healthChange().ifPresent(publish);
 * d.cordonChange().ifPresent(publish);
 * // every few seconds, for each pGPU:
 * engine.tick(state, now);
 * }</pre>
 */
public final class HealthPolicyEngine {

    /** Bounds the state: a pGPU reporting corrected errors at every poll keeps at most this many samples. */
    static final int MAX_SAMPLES = 1_024;
    static final int MAX_TRANSITIONS = 64;

    private static final List<GpuHealth> LEVELS = List.of(GpuHealth.DEGRADED, GpuHealth.DRAINING, GpuHealth.FAILED);

    private final HealthPolicy policy;

    public HealthPolicyEngine(HealthPolicy policy) {
        this.policy = policy;
    }

    public HealthPolicy policy() {
        return policy;
    }

    /** Applies one signal; {@code state} is {@code null} for a pGPU never seen before. */
    public Decision apply(GpuHealthState state, HealthSignal signal, Instant now) {
        GpuHealthState current = state == null
                ? GpuHealthState.initial(signal.gpuUuid(), signal.hostId(), now)
                : state.withHostId(signal.hostId());
        Map<GpuHealth, Instant> seen = held(current.findings(), current.lastEvidence(), now);
        Map<String, Finding> findings = new TreeMap<>(current.findings());
        List<GpuHealthState.CorrectedErrors> samples = new ArrayList<>(current.correctedErrors());
        if (signal instanceof EccErrorsObserved ecc) {
            ecc(ecc, findings, samples, now);
        } else if (signal instanceof PagesRetired pages) {
            pages(pages, findings);
        } else if (signal instanceof RowsRemapped rows) {
            rows(rows, findings);
        } else if (signal instanceof XidErrorObserved xid) {
            xid(xid, findings);
        } else if (signal instanceof GpuLost lost) {
            findings.put(Rules.GPU_LOST, new Finding(Rules.GPU_LOST, GpuHealth.FAILED,
                    evidence(signal, "reason", lost.reason()), lost.observedAt()));
        }
        return drain(decide(current, findings, seen, samples, now), now);
    }

    /** The passing of time: the rate window slides, the hysteresis may let the verdict recover. */
    public Decision tick(GpuHealthState state, Instant now) {
        Map<GpuHealth, Instant> seen = held(state.findings(), state.lastEvidence(), now);
        Map<String, Finding> findings = new TreeMap<>(state.findings());
        List<GpuHealthState.CorrectedErrors> samples = new ArrayList<>(state.correctedErrors());
        Finding rate = findings.get(Rules.CORRECTED_ECC_RATE);
        correctedRate(findings, samples, now, rate == null ? null : rate.evidence(), rate == null ? now : rate.observedAt());
        return drain(decide(state, findings, seen, samples, now), now);
    }

    /**
     * Whether the passing of time alone can change {@code state}: {@code false} for a HEALTHY pGPU with no
     * finding, no corrected-error sample and no drain request, for which {@link #tick} returns the state as it
     * is and publishes nothing, however late it is called. Such a pGPU needs no tick until a signal, a snapshot
     * or a cordon changes it; in a healthy fleet that is nearly every pGPU.
     */
    public static boolean timeCanChange(GpuHealthState state) {
        return state.health() != GpuHealth.HEALTHY
                || !state.findings().isEmpty()
                || !state.correctedErrors().isEmpty()
                || state.drainRequestedAt() != null;
    }

    /**
     * The pGPU's configuration as its host's latest snapshot reports it: the ECC-off-under-compute rule, and
     * whether a DRAINING or FAILED pGPU has vGPUs to move (see {@link #drain}).
     */
    public Decision configure(GpuHealthState state, GpuConfiguration configuration, Instant now) {
        GpuHealthState current = state == null
                ? GpuHealthState.initial(configuration.gpuUuid(), configuration.hostId(), now)
                : state;
        if (!configuration.hostId().equals(current.hostId())) {
            current = current.withHostId(configuration.hostId());
        }
        if (!configuration.equals(current.configuration())) {
            current = current.withConfiguration(configuration);
        }
        Map<GpuHealth, Instant> seen = held(current.findings(), current.lastEvidence(), now);
        Map<String, Finding> findings = new TreeMap<>(current.findings());
        if (policy.eccDisabledDegradesCompute() && !configuration.eccEnabled() && configuration.servesComputeTypes()) {
            Finding held = findings.get(Rules.ECC_DISABLED_FOR_COMPUTE);
            findings.put(Rules.ECC_DISABLED_FOR_COMPUTE, new Finding(Rules.ECC_DISABLED_FOR_COMPUTE,
                    GpuHealth.DEGRADED, Map.of("eccEnabled", "false", "servesComputeTypes", "true",
                            "hostedVgpus", Integer.toString(configuration.hostedVgpus())),
                    held == null ? now : held.observedAt()));
        } else {
            findings.remove(Rules.ECC_DISABLED_FOR_COMPUTE);
        }
        return drain(decide(current, findings, seen, current.correctedErrors(), now), now);
    }

    /**
     * A cordon change read back from the cordon topic, whoever published it: the state remembers the latest,
     * so the policy never lifts an operator's cordon.
     */
    public GpuHealthState cordonObserved(GpuHealthState state, GpuCordonChanged change) {
        GpuHealthState current = state == null
                ? GpuHealthState.initial(change.gpuUuid(), change.hostId(), change.changedAt())
                : state;
        return current.withCordon(new Cordon(change.cordoned(), change.actor(), change.reason(), change.changedAt()));
    }

    private void ecc(EccErrorsObserved ecc, Map<String, Finding> findings,
            List<GpuHealthState.CorrectedErrors> samples, Instant now) {
        if (ecc.counters().uncorrectedVolatile() > 0) {
            findings.put(Rules.DOUBLE_BIT_ECC, new Finding(Rules.DOUBLE_BIT_ECC, GpuHealth.FAILED, evidence(ecc,
                    "uncorrectedVolatile", Long.toString(ecc.counters().uncorrectedVolatile()),
                    "uncorrectedAggregate", Long.toString(ecc.counters().uncorrectedAggregate())), ecc.observedAt()));
        } else {
            findings.remove(Rules.DOUBLE_BIT_ECC);
        }
        if (ecc.delta().correctedVolatile() > 0) {
            samples.add(new GpuHealthState.CorrectedErrors(now, ecc.delta().correctedVolatile()));
        }
        correctedRate(findings, samples, now, evidence(ecc), ecc.observedAt());
        if (ecc.counters().correctedVolatile() == 0 && ecc.counters().uncorrectedVolatile() == 0) {
            // volatile counters at zero: the GPU was reset (or never erred) since the events below
            findings.values().removeIf(finding -> (Rules.isXid(finding.rule()) || Rules.GPU_LOST.equals(finding.rule()))
                    && finding.observedAt().isBefore(ecc.observedAt()));
        }
    }

    private void correctedRate(Map<String, Finding> findings, List<GpuHealthState.CorrectedErrors> samples,
            Instant now, Map<String, String> signalEvidence, Instant observedAt) {
        Instant from = now.minus(policy.correctedErrorsWindow());
        samples.removeIf(sample -> !sample.at().isAfter(from));
        while (samples.size() > MAX_SAMPLES) {
            samples.remove(0);
        }
        long corrected = samples.stream().mapToLong(GpuHealthState.CorrectedErrors::count).sum();
        if (corrected >= policy.correctedErrorsThreshold()) {
            Map<String, String> evidence = new LinkedHashMap<>(signalEvidence == null ? Map.of() : signalEvidence);
            evidence.put("correctedInWindow", Long.toString(corrected));
            evidence.put("window", policy.correctedErrorsWindow().toString());
            evidence.put("threshold", Long.toString(policy.correctedErrorsThreshold()));
            findings.put(Rules.CORRECTED_ECC_RATE,
                    new Finding(Rules.CORRECTED_ECC_RATE, GpuHealth.DEGRADED, evidence, observedAt));
        } else {
            findings.remove(Rules.CORRECTED_ECC_RATE);
        }
    }

    private void pages(PagesRetired pages, Map<String, Finding> findings) {
        Map<String, String> evidence = evidence(pages,
                "singleBitEccPages", Integer.toString(pages.singleBitEccPages()),
                "doubleBitEccPages", Integer.toString(pages.doubleBitEccPages()),
                "pending", Boolean.toString(pages.pending()));
        if (pages.pending()) {
            findings.put(Rules.PAGE_RETIREMENT_PENDING,
                    new Finding(Rules.PAGE_RETIREMENT_PENDING, GpuHealth.DRAINING, evidence, pages.observedAt()));
        } else {
            findings.remove(Rules.PAGE_RETIREMENT_PENDING);
        }
        long retired = (long) pages.singleBitEccPages() + pages.doubleBitEccPages();
        if (retired >= policy.retiredPagesThreshold()) {
            Map<String, String> over = new LinkedHashMap<>(evidence);
            over.put("threshold", Integer.toString(policy.retiredPagesThreshold()));
            findings.put(Rules.RETIRED_PAGES, new Finding(Rules.RETIRED_PAGES, GpuHealth.DEGRADED, over,
                    pages.observedAt()));
        } else {
            findings.remove(Rules.RETIRED_PAGES);
        }
    }

    private static void rows(RowsRemapped rows, Map<String, Finding> findings) {
        Map<String, String> evidence = evidence(rows,
                "correctableRows", Integer.toString(rows.correctableRows()),
                "uncorrectableRows", Integer.toString(rows.uncorrectableRows()),
                "pending", Boolean.toString(rows.pending()),
                "failure", Boolean.toString(rows.failure()));
        if (rows.failure()) {
            findings.put(Rules.ROW_REMAP_FAILURE,
                    new Finding(Rules.ROW_REMAP_FAILURE, GpuHealth.FAILED, evidence, rows.observedAt()));
        } else {
            findings.remove(Rules.ROW_REMAP_FAILURE);
        }
        if (rows.pending()) {
            findings.put(Rules.ROW_REMAP_PENDING,
                    new Finding(Rules.ROW_REMAP_PENDING, GpuHealth.DRAINING, evidence, rows.observedAt()));
        } else {
            findings.remove(Rules.ROW_REMAP_PENDING);
        }
    }

    private void xid(XidErrorObserved xid, Map<String, Finding> findings) {
        GpuHealth verdict = policy.xidVerdicts().get(xid.xid());
        if (verdict != null) {
            String rule = Rules.xid(xid.xid());
            findings.put(rule, new Finding(rule, verdict, evidence(xid, "xid", Integer.toString(xid.xid())),
                    xid.observedAt()));
        }
    }

    /** Evidence held until now counts as seen now: a finding that just cleared was true until this moment. */
    private static Map<GpuHealth, Instant> held(
            Map<String, Finding> findings, Map<GpuHealth, Instant> lastEvidence, Instant now) {
        Map<GpuHealth, Instant> seen = new EnumMap<>(GpuHealth.class);
        seen.putAll(lastEvidence);
        for (Finding finding : findings.values()) {
            seen.merge(finding.verdict(), now, (a, b) -> a.isAfter(b) ? a : b);
        }
        return seen;
    }

    private Decision decide(GpuHealthState before, Map<String, Finding> findings, Map<GpuHealth, Instant> heldBefore,
            List<GpuHealthState.CorrectedErrors> samples, Instant now) {
        Map<GpuHealth, Instant> seen = held(findings, heldBefore, now);
        GpuHealthState state = before.withEvidence(findings, seen, samples);
        Optional<Finding> worst = findings.values().stream().max(Comparator.comparing(Finding::verdict)
                .thenComparing(Finding::observedAt)
                .thenComparing(Finding::rule, Comparator.reverseOrder()));
        GpuHealth target = worst.map(Finding::verdict).orElse(GpuHealth.HEALTHY);
        GpuHealth current = state.health();

        GpuHealth floor = GpuHealth.HEALTHY;
        for (GpuHealth level : LEVELS) {
            Instant last = seen.get(level);
            if (last != null && now.isBefore(last.plus(policy.hysteresis()))) {
                floor = level;
            }
        }
        List<Instant> transitions = recent(state.transitions(), now);
        boolean flapHeld = false;
        if (floor == GpuHealth.HEALTHY && transitions.size() >= policy.flapTransitions()) {
            Instant last = seen.values().stream().max(Comparator.naturalOrder()).orElse(null);
            if (last != null && now.isBefore(last.plus(policy.flapHold()))) {
                floor = GpuHealth.DEGRADED;
                flapHeld = true;
            }
        }
        GpuHealth next = target.compareTo(current) > 0 ? target : max(target, min(current, floor));
        if (next == current) {
            return new Decision(state, Optional.empty(), Optional.empty(), Optional.empty());
        }

        String rule;
        Map<String, String> evidence = new LinkedHashMap<>();
        if (next == target && worst.isPresent()) {
            rule = worst.get().rule();
            evidence.putAll(worst.get().evidence());
        } else if (next == GpuHealth.HEALTHY) {
            rule = Rules.RECOVERED;
            evidence.put("previousRule", state.rule());
            seen.values().stream().max(Comparator.naturalOrder())
                    .ifPresent(last -> evidence.put("lastEvidenceAt", last.toString()));
            evidence.put("hysteresis", policy.hysteresis().toString());
        } else if (flapHeld && next == GpuHealth.DEGRADED) {
            rule = Rules.FLAPPING;
            evidence.put("previousRule", state.rule());
            evidence.put("transitions", Integer.toString(transitions.size()));
            evidence.put("flapWindow", policy.flapWindow().toString());
            evidence.put("flapHold", policy.flapHold().toString());
        } else {
            rule = Rules.RECOVERING;
            evidence.put("previousRule", state.rule());
            evidence.put("lastEvidenceAt", String.valueOf(seen.get(next)));
            evidence.put("hysteresis", policy.hysteresis().toString());
        }
        evidence.put("previous", current.name());

        List<Instant> changes = new ArrayList<>(transitions);
        changes.add(now);
        while (changes.size() > MAX_TRANSITIONS) {
            changes.remove(0);
        }
        GpuHealthState changed = state.withVerdict(next, rule, evidence, now, changes);
        GpuHealthChanged healthChange = new GpuHealthChanged(
                changed.gpuUuid(), changed.hostId(), current, next, rule, evidence, now);
        return cordon(changed, healthChange, now);
    }

    private static Decision cordon(GpuHealthState state, GpuHealthChanged change, Instant now) {
        GpuHealth next = change.current();
        if ((next == GpuHealth.DRAINING || next == GpuHealth.FAILED) && !state.cordoned()) {
            String actor = Cordon.POLICY_PREFIX + change.rule();
            String reason = "verdict " + next + " by rule " + change.rule();
            GpuCordonChanged cordon = new GpuCordonChanged(state.gpuUuid(), state.hostId(), true, reason, actor, now);
            return new Decision(state.withCordon(new Cordon(true, actor, reason, now)), Optional.of(change),
                    Optional.of(cordon), Optional.empty());
        }
        if (next == GpuHealth.HEALTHY && state.cordoned() && state.cordon().byPolicy()) {
            String actor = Cordon.POLICY_PREFIX + Rules.RECOVERED;
            String reason = "verdict HEALTHY after " + change.evidence().getOrDefault("previousRule", "evidence cleared");
            GpuCordonChanged uncordon = new GpuCordonChanged(state.gpuUuid(), state.hostId(), false, reason, actor, now);
            return new Decision(state.withCordon(new Cordon(false, actor, reason, now)), Optional.of(change),
                    Optional.of(uncordon), Optional.empty());
        }
        return new Decision(state, Optional.of(change), Optional.empty(), Optional.empty());
    }

    /**
     * Whether the pGPU's vGPUs must be moved: a DRAINING or FAILED pGPU that hosts vGPUs (or whose host has not
     * said yet: a missing snapshot must not lose a drain) gets one {@link DrainRequested} per spell. One that
     * hosts none is cordoned and nothing more; should vGPUs appear on it later (created before the cordon
     * reached placement, or moved back by hand), a drain is requested then. Seeing the pGPU empty, or leaving
     * DRAINING and FAILED, ends the request, so vGPUs that appear after a finished drain are asked for again.
     * The id is {@code drain-<pGPU UUID>-<epoch millis of the request>}: at a verdict change that is the
     * change's time, so a replay of the same transition repeats the id.
     */
    static Decision drain(Decision decision, Instant now) {
        GpuHealthState state = decision.state();
        boolean evacuating = state.health() == GpuHealth.DRAINING || state.health() == GpuHealth.FAILED;
        GpuConfiguration configuration = state.configuration();
        boolean empty = configuration != null && configuration.hostedVgpus() == 0;
        if (!evacuating || empty) {
            return state.drainRequestedAt() == null ? decision : new Decision(state.withDrainRequestedAt(null),
                    decision.healthChange(), decision.cordonChange(), Optional.empty());
        }
        if (state.drainRequestedAt() != null) {
            return decision;
        }
        String reason = "verdict " + state.health() + " by rule " + state.rule()
                + (configuration == null ? "; the host has not reported the pGPU's vGPUs yet"
                        : "; the pGPU hosts " + configuration.hostedVgpus() + " vGPU(s)");
        DrainRequested request = new DrainRequested("drain-" + state.gpuUuid() + "-" + now.toEpochMilli(),
                state.gpuUuid(), state.hostId(), state.health(), state.rule(), reason, now);
        return new Decision(state.withDrainRequestedAt(now), decision.healthChange(), decision.cordonChange(),
                Optional.of(request));
    }

    private List<Instant> recent(List<Instant> transitions, Instant now) {
        Instant from = now.minus(policy.flapWindow());
        return transitions.stream().filter(at -> at.isAfter(from)).toList();
    }

    private static Map<String, String> evidence(HealthSignal signal, String... pairs) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("signal", signal.getClass().getSimpleName());
        evidence.put("observedAt", signal.observedAt().toString());
        evidence.put("source", signal.source().name());
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            evidence.put(pairs[i], pairs[i + 1]);
        }
        return evidence;
    }

    private static GpuHealth max(GpuHealth a, GpuHealth b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static GpuHealth min(GpuHealth a, GpuHealth b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
