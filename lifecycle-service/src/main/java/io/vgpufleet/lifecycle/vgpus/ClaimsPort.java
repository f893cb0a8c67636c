package io.vgpufleet.lifecycle.vgpus;

import io.vgpufleet.lifecycle.vgpus.machine.Action;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;

/**
 * The inventory's claims, as the state machine needs them. Both calls are idempotent (the claim id is the
 * key) and answer with the stimulus for the machine; neither throws for what the inventory answers.
 */
public interface ClaimsPort {

    /** {@link Stimulus.ClaimGranted}, {@link Stimulus.ClaimRefused} (for good) or {@link Stimulus.ClaimUnavailable}. */
    Stimulus claim(Action.RequestClaim request);

    /** {@link Stimulus.ClaimReleased} or {@link Stimulus.ClaimReleaseFailed}. */
    Stimulus release(String claimId);
}
