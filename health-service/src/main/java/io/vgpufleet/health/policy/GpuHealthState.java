package io.vgpufleet.health.policy;

import io.vgpufleet.contracts.health.GpuHealth;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the policy remembers about one pGPU, as a value: the published verdict with its rule, evidence
 * and since when; the findings that hold now; when evidence of each level was last held (for hysteresis);
 * the corrected-error samples of the rate window; recent verdict changes (for flapping); the cordon.
 *
 * <p>Kept per pGPU in the Kafka Streams store; its JSON form is the store's changelog, so fields are only
 * ever added.
 *
 * @param lastEvidence per level above HEALTHY, the last instant the policy held evidence of that level
 * @param correctedErrors corrected volatile ECC errors as they arrived, within the rate window
 * @param transitions instants of verdict changes within the flap window
 * @param cordon the latest cordon anyone published for the pGPU; {@code null} when none was seen
 * @param configuration the pGPU as its host's latest snapshot describes it; {@code null} until a snapshot is seen
 * @param drainRequestedAt when the policy last asked for a drain of this pGPU in its current DRAINING or FAILED
 *     spell; {@code null} when it has not (or the spell ended, or the pGPU was seen empty since)
 */
public record GpuHealthState(
        String gpuUuid,
        String hostId,
        GpuHealth health,
        String rule,
        Map<String, String> evidence,
        Instant since,
        Map<String, Finding> findings,
        Map<GpuHealth, Instant> lastEvidence,
        List<CorrectedErrors> correctedErrors,
        List<Instant> transitions,
        Cordon cordon,
        GpuConfiguration configuration,
        Instant drainRequestedAt) {

    /** Rule of a pGPU that no rule has judged yet. */
    public static final String INITIAL_RULE = "no-evidence";

    /** Corrected errors counted at one instant (the increase of the volatile counter a signal carried). */
    public record CorrectedErrors(Instant at, long count) {}

    public GpuHealthState {
        Objects.requireNonNull(gpuUuid, "gpuUuid");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(rule, "rule");
        evidence = Map.copyOf(evidence);
        Objects.requireNonNull(since, "since");
        findings = java.util.Collections.unmodifiableMap(new TreeMap<>(findings));
        lastEvidence = lastEvidence.isEmpty()
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new EnumMap<>(lastEvidence));
        correctedErrors = List.copyOf(correctedErrors);
        transitions = List.copyOf(transitions);
    }

    /** A pGPU first seen: HEALTHY, nothing held against it. */
    public static GpuHealthState initial(String gpuUuid, String hostId, Instant now) {
        return new GpuHealthState(gpuUuid, hostId, GpuHealth.HEALTHY, INITIAL_RULE, Map.of(), now, Map.of(), Map.of(),
                List.of(), List.of(), null, null, null);
    }

    public boolean cordoned() {
        return cordon != null && cordon.cordoned();
    }

    GpuHealthState withHostId(String value) {
        return new GpuHealthState(gpuUuid, value, health, rule, evidence, since, findings, lastEvidence,
                correctedErrors, transitions, cordon, configuration, drainRequestedAt);
    }

    GpuHealthState withEvidence(
            Map<String, Finding> newFindings, Map<GpuHealth, Instant> newLastEvidence, List<CorrectedErrors> samples) {
        return new GpuHealthState(gpuUuid, hostId, health, rule, evidence, since, newFindings, newLastEvidence,
                samples, transitions, cordon, configuration, drainRequestedAt);
    }

    GpuHealthState withVerdict(
            GpuHealth value, String newRule, Map<String, String> newEvidence, Instant at, List<Instant> newTransitions) {
        return new GpuHealthState(gpuUuid, hostId, value, newRule, newEvidence, at, findings, lastEvidence,
                correctedErrors, newTransitions, cordon, configuration, drainRequestedAt);
    }

    GpuHealthState withCordon(Cordon value) {
        return new GpuHealthState(gpuUuid, hostId, health, rule, evidence, since, findings, lastEvidence,
                correctedErrors, transitions, value, configuration, drainRequestedAt);
    }

    GpuHealthState withConfiguration(GpuConfiguration value) {
        return new GpuHealthState(gpuUuid, hostId, health, rule, evidence, since, findings, lastEvidence,
                correctedErrors, transitions, cordon, value, drainRequestedAt);
    }

    GpuHealthState withDrainRequestedAt(Instant value) {
        return new GpuHealthState(gpuUuid, hostId, health, rule, evidence, since, findings, lastEvidence,
                correctedErrors, transitions, cordon, configuration, value);
    }
}
