package io.vgpufleet.health.verdicts;

/** Body of {@code POST /cordon} and {@code /uncordon}: why, in words an operator reads later. */
public record CordonRequest(String reason) {

    static final int MAX_REASON = 500;
}
