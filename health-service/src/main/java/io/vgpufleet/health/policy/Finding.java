package io.vgpufleet.health.policy;

import io.vgpufleet.contracts.health.GpuHealth;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A rule that currently holds for a pGPU: its verdict and the evidence it saw.
 *
 * @param observedAt when the agent observed the signal that raised it
 */
public record Finding(String rule, GpuHealth verdict, Map<String, String> evidence, Instant observedAt) {

    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(verdict, "verdict");
        if (verdict == GpuHealth.HEALTHY) {
            throw new IllegalArgumentException("a finding is evidence against health: " + rule);
        }
        evidence = Map.copyOf(evidence);
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
