package io.vgpufleet.health.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * The pGPU's cordon as last published by anyone: the policy ({@code policy:<rule>}) or an operator.
 */
public record Cordon(boolean cordoned, String actor, String reason, Instant changedAt) {

    public static final String POLICY_PREFIX = "policy:";

    public Cordon {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(changedAt, "changedAt");
    }

    /** The policy set it, so the policy may lift it; an operator's cordon is the operator's to lift. */
    public boolean byPolicy() {
        return actor.startsWith(POLICY_PREFIX);
    }
}
