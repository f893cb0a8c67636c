package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/**
 * ECC counters changed. Carries the absolute counters and the change since the previous observation,
 * so a consumer that missed a record still knows the totals. The delta is zero or positive except
 * after a reset, when volatile counters start again (a negative delta is reported as the new value).
 */
public record EccErrorsObserved(
        String hostId, String gpuUuid, Instant observedAt, SignalSource source, EccCounters counters, EccCounters delta)
        implements HealthSignal {

    public EccErrorsObserved {
        validHostId(hostId, "hostId");
        validGpuUuid(gpuUuid, "gpuUuid");
        present(observedAt, "observedAt");
        present(source, "source");
        present(counters, "counters");
        present(delta, "delta");
    }
}
