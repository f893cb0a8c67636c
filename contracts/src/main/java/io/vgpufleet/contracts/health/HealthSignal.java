package io.vgpufleet.contracts.health;

import java.time.Instant;

/**
 * A fact about a pGPU's health as its node agent observed it. Published keyed by pGPU UUID, so each
 * GPU's signals stay in order.
 */
public sealed interface HealthSignal
        permits EccErrorsObserved, PagesRetired, RowsRemapped, XidErrorObserved, GpuLost {

    String hostId();

    String gpuUuid();

    Instant observedAt();

    SignalSource source();
}
