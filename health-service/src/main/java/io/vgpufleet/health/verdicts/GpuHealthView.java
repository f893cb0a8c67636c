package io.vgpufleet.health.verdicts;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.health.policy.GpuHealthState;
import java.time.Instant;
import java.util.Map;

/**
 * A pGPU's verdict as the API shows it.
 *
 * @param rule the rule that decided the current verdict
 * @param evidence what that rule saw
 * @param since when the verdict was reached
 * @param activeRules the rules that hold now (the verdict may lag them by the hysteresis)
 * @param cordonedBy who set or lifted the cordon last ({@code policy:<rule>} or {@code operator}); null if nobody
 * @param hostedVgpus vGPUs on the pGPU in its host's latest snapshot; null until a snapshot was read
 * @param drainRequestedAt when a drain of the pGPU's vGPUs was last requested in this DRAINING or FAILED spell
 */
public record GpuHealthView(
        String gpuUuid,
        String hostId,
        GpuHealth health,
        String rule,
        Map<String, String> evidence,
        Instant since,
        java.util.List<String> activeRules,
        boolean cordoned,
        String cordonedBy,
        String cordonReason,
        Integer hostedVgpus,
        Instant drainRequestedAt) {

    static GpuHealthView of(GpuHealthState state) {
        return new GpuHealthView(state.gpuUuid(), state.hostId(), state.health(), state.rule(), state.evidence(),
                state.since(), java.util.List.copyOf(state.findings().keySet()), state.cordoned(),
                state.cordon() == null ? null : state.cordon().actor(),
                state.cordon() == null ? null : state.cordon().reason(),
                state.configuration() == null ? null : state.configuration().hostedVgpus(), state.drainRequestedAt());
    }
}
