package io.vgpufleet.agent.nvml;

import io.vgpufleet.contracts.health.EccCounters;
import org.jspecify.annotations.Nullable;

/**
 * The memory-health counters of one GPU as one poll read them. A part NVML does not support on this
 * GPU (retired pages on Ampere and newer, row remapping before Ampere, ECC counters with ECC off) is
 * absent; where the whole device could not be read, {@link #unavailableReason()} names the NVML return
 * code.
 *
 * @param ecc corrected/uncorrected, volatile/aggregate ECC error counters
 * @param retiredPages dynamic page retirement (pre-Ampere)
 * @param remappedRows row remapping (Ampere and newer)
 */
public record NvmlHealthSample(
        String pciBdf,
        @Nullable EccCounters ecc,
        @Nullable RetiredPages retiredPages,
        @Nullable RemappedRows remappedRows,
        @Nullable String unavailableReason) {

    public static NvmlHealthSample unavailable(String pciBdf, String returnCodeName) {
        return new NvmlHealthSample(pciBdf, null, null, null, returnCodeName);
    }

    /**
     * Pages retired for multiple single-bit errors and for double-bit errors
     * ({@code nvmlDeviceGetRetiredPages}), and whether a retirement waits for a reset
     * ({@code nvmlDeviceGetRetiredPagesPendingStatus}).
     */
    public record RetiredPages(int singleBitEcc, int doubleBitEcc, boolean pending) {}

    /**
     * Rows remapped for correctable and uncorrectable errors, a remap pending until reset and a failed
     * remap ({@code nvmlDeviceGetRemappedRows}).
     */
    public record RemappedRows(int correctable, int uncorrectable, boolean pending, boolean failure) {}
}
