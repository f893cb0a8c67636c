package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.nonNegative;

/**
 * NVML's ECC error counters of one pGPU: corrected (single-bit) and uncorrected (double-bit), volatile
 * (since the last driver load or reset) and aggregate (lifetime).
 */
public record EccCounters(
        long correctedVolatile, long uncorrectedVolatile, long correctedAggregate, long uncorrectedAggregate) {

    public static final EccCounters ZERO = new EccCounters(0, 0, 0, 0);

    public EccCounters {
        nonNegative(correctedVolatile, "correctedVolatile");
        nonNegative(uncorrectedVolatile, "uncorrectedVolatile");
        nonNegative(correctedAggregate, "correctedAggregate");
        nonNegative(uncorrectedAggregate, "uncorrectedAggregate");
    }
}
