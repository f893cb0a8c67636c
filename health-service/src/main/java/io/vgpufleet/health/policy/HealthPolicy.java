package io.vgpufleet.health.policy;

import io.vgpufleet.contracts.health.GpuHealth;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The thresholds of the health policy. {@link #defaults()} is what the service runs with unless
 * {@code vgpu.health.policy.*} says otherwise.
 *
 * @param retiredPagesThreshold retired pages (single- plus double-bit causes) at or above which a pGPU is DEGRADED
 * @param correctedErrorsThreshold corrected (single-bit) volatile ECC errors within {@code correctedErrorsWindow}
 *     at or above which a pGPU is DEGRADED
 * @param correctedErrorsWindow the sliding window of the corrected-error rate
 * @param hysteresis how long a level of evidence must stay absent before the verdict drops below it
 * @param flapTransitions verdict changes within {@code flapWindow} that make a pGPU a flapper
 * @param flapWindow the window in which transitions are counted
 * @param flapHold how long a flapper stays at least DEGRADED after its last evidence (instead of {@code hysteresis})
 * @param eccDisabledDegradesCompute whether ECC off on a pGPU serving compute (C) types makes it DEGRADED
 * @param xidVerdicts the verdict per Xid code; codes not listed are counted but decide nothing
 */
public record HealthPolicy(
        int retiredPagesThreshold,
        long correctedErrorsThreshold,
        Duration correctedErrorsWindow,
        Duration hysteresis,
        int flapTransitions,
        Duration flapWindow,
        Duration flapHold,
        boolean eccDisabledDegradesCompute,
        Map<Integer, GpuHealth> xidVerdicts) {

    /** Xid double-bit ECC error (NVIDIA Dynamic Page Retirement guide: "XID 48: A DBE has occurred"). */
    public static final int XID_DOUBLE_BIT_ECC = 48;

    /**
     * Xid 63: a page retirement (pre-Ampere: "Dynamic Page Retirement: New retired page, reload the driver to
     * activate") or a row remap (Ampere+: "Row Remapper: New row marked for remapping, reset gpu to activate")
     * was recorded. The memory is fine once the GPU is reset, so the pGPU is drained, not failed.
     */
    public static final int XID_RETIREMENT_RECORDED = 63;

    /**
     * Xid 64: the page retirement or row remap could not be recorded ("Dynamic Page Retirement: Fatal error,
     * unable to retire page"; on Ampere+ a row-remapper failure). The bad memory stays in use: FAILED.
     */
    public static final int XID_RETIREMENT_FAILED = 64;

    /** Xid 79: the GPU has fallen off the bus (PCIe link lost; no longer enumerable). */
    public static final int XID_FALLEN_OFF_BUS = 79;

    /** Xid 92: high single-bit ECC error rate, a precursor: monitor, plan maintenance. */
    public static final int XID_HIGH_SINGLE_BIT_RATE = 92;

    /**
     * Xid 94: contained ECC error (Ampere+): the error was contained to the applications using the memory;
     * other work on the GPU continues, and the GPU needs a reset to remap the row. Drain, then reset.
     */
    public static final int XID_CONTAINED_ECC = 94;

    /** Xid 95: uncontained ECC error: every application on the GPU is affected and the GPU must be reset. */
    public static final int XID_UNCONTAINED_ECC = 95;

    // The Xid meanings above are NVIDIA's: Dynamic Page Retirement guide ("Visibility": XID 48, 63, 64;
    // docs.nvidia.com/deploy/dynamic-page-retirement) and the Xid catalogue for Ampere and newer
    // (docs.nvidia.com/deploy/xid-errors: 79 fallen off the bus, 92 high single-bit ECC rate, 94 contained
    // and 95 uncontained ECC error; 63/64 are row-remapper events on Ampere and newer).
    private static final Map<Integer, GpuHealth> DEFAULT_XID_VERDICTS = Map.of(
            XID_DOUBLE_BIT_ECC, GpuHealth.FAILED,
            XID_RETIREMENT_RECORDED, GpuHealth.DRAINING,
            XID_RETIREMENT_FAILED, GpuHealth.FAILED,
            XID_FALLEN_OFF_BUS, GpuHealth.FAILED,
            XID_HIGH_SINGLE_BIT_RATE, GpuHealth.DEGRADED,
            XID_CONTAINED_ECC, GpuHealth.DRAINING,
            XID_UNCONTAINED_ECC, GpuHealth.FAILED);

    public HealthPolicy {
        if (retiredPagesThreshold < 1) {
            throw new IllegalArgumentException("retiredPagesThreshold must be at least 1, was " + retiredPagesThreshold);
        }
        if (correctedErrorsThreshold < 1) {
            throw new IllegalArgumentException(
                    "correctedErrorsThreshold must be at least 1, was " + correctedErrorsThreshold);
        }
        positive(correctedErrorsWindow, "correctedErrorsWindow");
        notNegative(hysteresis, "hysteresis");
        if (flapTransitions < 2) {
            throw new IllegalArgumentException("flapTransitions must be at least 2, was " + flapTransitions);
        }
        positive(flapWindow, "flapWindow");
        notNegative(flapHold, "flapHold");
        Objects.requireNonNull(xidVerdicts, "xidVerdicts");
        xidVerdicts.forEach((xid, verdict) -> {
            if (xid == null || verdict == null || verdict == GpuHealth.HEALTHY) {
                throw new IllegalArgumentException("xidVerdicts maps a code to DEGRADED, DRAINING or FAILED: "
                        + xid + " -> " + verdict);
            }
        });
        xidVerdicts = Map.copyOf(xidVerdicts);
    }

    /**
     * 48 retired pages, 100 corrected errors an hour, 5 minutes of hysteresis, 4 changes within an hour make a
     * flapper held 30 minutes, ECC off under compute types degrades, and NVIDIA's Xid meanings.
     */
    public static HealthPolicy defaults() {
        return new HealthPolicy(48, 100, Duration.ofHours(1), Duration.ofMinutes(5), 4, Duration.ofHours(1),
                Duration.ofMinutes(30), true, DEFAULT_XID_VERDICTS);
    }

    public static Map<Integer, GpuHealth> defaultXidVerdicts() {
        return DEFAULT_XID_VERDICTS;
    }

    public HealthPolicy withHysteresis(Duration value) {
        return new HealthPolicy(retiredPagesThreshold, correctedErrorsThreshold, correctedErrorsWindow, value,
                flapTransitions, flapWindow, flapHold, eccDisabledDegradesCompute, xidVerdicts);
    }

    public HealthPolicy withFlapping(int transitions, Duration window, Duration hold) {
        return new HealthPolicy(retiredPagesThreshold, correctedErrorsThreshold, correctedErrorsWindow, hysteresis,
                transitions, window, hold, eccDisabledDegradesCompute, xidVerdicts);
    }

    private static void positive(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }

    private static void notNegative(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value);
        }
    }
}
