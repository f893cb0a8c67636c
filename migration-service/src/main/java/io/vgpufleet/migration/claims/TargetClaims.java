package io.vgpufleet.migration.claims;

import io.vgpufleet.migration.sagas.ClaimAnswer;
import io.vgpufleet.migration.sagas.SagaEffect;

/**
 * The port through which a saga reserves target capacity. Implementations never throw: a failure to ask is
 * {@link ClaimAnswer.Unavailable}. Both calls are idempotent by claim id.
 */
public interface TargetClaims {

    ClaimAnswer claim(SagaEffect.RequestClaim request);

    /** Releases the claim; answers {@link ClaimAnswer.Released} also when it was never granted or is gone. */
    ClaimAnswer release(SagaEffect.ReleaseClaim release);
}
