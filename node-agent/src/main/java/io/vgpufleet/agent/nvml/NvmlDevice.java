package io.vgpufleet.agent.nvml;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.NvmlFacts;
import org.jspecify.annotations.Nullable;

/**
 * NVML's answer for one GPU. Where NVML is unavailable every optional fact is absent and {@link
 * #facts()} says why.
 *
 * @param uuid {@code GPU-...}; absent where NVML is unavailable
 * @param name the product name, e.g. {@code Tesla P4}
 * @param memoryMib total frame buffer; 0 where unknown
 */
public record NvmlDevice(
        NvmlFacts facts, @Nullable String uuid, @Nullable String name, long memoryMib, EccMode eccMode) {

    public static NvmlDevice unavailable(String returnCodeName) {
        return new NvmlDevice(NvmlFacts.unavailable(returnCodeName), null, null, 0, EccMode.UNKNOWN);
    }
}
