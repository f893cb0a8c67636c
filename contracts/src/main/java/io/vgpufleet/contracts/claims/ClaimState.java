package io.vgpufleet.contracts.claims;

/**
 * Where a claim is: GRANTED holds capacity until it expires, is released or is CONFIRMED (the host's
 * snapshot shows every vGPU of the claim, so the snapshot accounts for the capacity). RELEASED and
 * EXPIRED are final.
 */
public enum ClaimState {
    GRANTED,
    CONFIRMED,
    RELEASED,
    EXPIRED;

    /** Whether the claim still counts against its host (GRANTED or CONFIRMED). */
    public boolean active() {
        return this == GRANTED || this == CONFIRMED;
    }
}
