package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/**
 * Dynamic page retirement state (pre-Ampere GPUs): pages retired for multiple single-bit errors and for
 * double-bit errors, and whether a retirement waits for the next driver reload or reset.
 */
public record PagesRetired(
        String hostId,
        String gpuUuid,
        Instant observedAt,
        SignalSource source,
        int singleBitEccPages,
        int doubleBitEccPages,
        boolean pending)
        implements HealthSignal {

    public PagesRetired {
        validHostId(hostId, "hostId");
        validGpuUuid(gpuUuid, "gpuUuid");
        present(observedAt, "observedAt");
        present(source, "source");
        nonNegative(singleBitEccPages, "singleBitEccPages");
        nonNegative(doubleBitEccPages, "doubleBitEccPages");
    }
}
