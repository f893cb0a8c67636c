package io.vgpufleet.agent.nvml;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code nvmlGetVgpuCompatibility}'s answer on a target host, or why there is none.
 *
 * @param vmCompatibility the VM states the vGPU may come from ({@code LIVE}, {@code COLD}, ...; {@code NONE})
 * @param limits what limits it ({@code NONE}, or {@code HOST_DRIVER}, {@code GUEST_DRIVER}, {@code GPU}, {@code OTHER})
 * @param error the NVML return code's name where the call could not be made; then the lists are empty
 */
public record VgpuCompatibility(List<String> vmCompatibility, List<String> limits, @Nullable String error) {

    public VgpuCompatibility {
        vmCompatibility = List.copyOf(vmCompatibility);
        limits = List.copyOf(limits);
    }

    public static VgpuCompatibility failed(String nvmlReturnCode) {
        return new VgpuCompatibility(List.of(), List.of(), nvmlReturnCode);
    }

    /** Live migration allowed: the LIVE bit is set. */
    public boolean live() {
        return error == null && vmCompatibility.contains("LIVE");
    }
}
