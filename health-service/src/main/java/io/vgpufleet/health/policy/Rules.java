package io.vgpufleet.health.policy;

/**
 * The names of the policy's rules, as {@code GpuHealthChanged.rule} and the cordon actor {@code policy:<rule>}
 * carry them. Stable: dashboards and alerts match on them.
 */
public final class Rules {

    /** Uncorrected (double-bit) volatile ECC errors above zero: FAILED. */
    public static final String DOUBLE_BIT_ECC = "double-bit-ecc";
    /** Corrected volatile ECC errors within the window at or above the threshold: DEGRADED. */
    public static final String CORRECTED_ECC_RATE = "corrected-ecc-rate";
    /** A page retirement waits for a reset: DRAINING. */
    public static final String PAGE_RETIREMENT_PENDING = "page-retirement-pending";
    /** Retired pages at or above the threshold: DEGRADED. */
    public static final String RETIRED_PAGES = "retired-pages";
    /** A row remap waits for a reset: DRAINING. */
    public static final String ROW_REMAP_PENDING = "row-remap-pending";
    /** A row remap failed: FAILED. */
    public static final String ROW_REMAP_FAILURE = "row-remap-failure";
    /** The pGPU stopped answering: FAILED. */
    public static final String GPU_LOST = "gpu-lost";
    /** ECC is off on a pGPU that serves compute types: DEGRADED. */
    public static final String ECC_DISABLED_FOR_COMPUTE = "ecc-disabled-for-compute";
    /** All evidence above HEALTHY is older than the hysteresis: back to HEALTHY. */
    public static final String RECOVERED = "recovered";
    /** The evidence of the current level is older than the hysteresis, a lower level's is not: one step down. */
    public static final String RECOVERING = "recovering";
    /** A flapping pGPU is held DEGRADED for the flap hold after its last evidence. */
    public static final String FLAPPING = "flapping";

    private Rules() {}

    /** {@code xid-<code>}: the verdict the policy maps that Xid to. */
    public static String xid(int code) {
        return "xid-" + code;
    }

    public static boolean isXid(String rule) {
        return rule.startsWith("xid-");
    }
}
