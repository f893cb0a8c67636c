package io.vgpufleet.contracts.host;

import static io.vgpufleet.contracts.Checks.nonBlank;

import org.jspecify.annotations.Nullable;

/**
 * What NVML said about a pGPU beyond sysfs.
 *
 * @param status {@code AVAILABLE}, or why not, with the NVML return code's name ({@code NVML_ERROR_LIBRARY_NOT_FOUND})
 * @param virtualizationMode NVML's virtualization mode name, e.g. {@code HOST_VGPU} or {@code PASSTHROUGH}
 * @param hostVgpuMode {@code NON_SRIOV} or {@code SRIOV}; absent where NVML does not say
 */
public record NvmlFacts(String status, @Nullable String virtualizationMode, @Nullable String hostVgpuMode) {

    public static final String AVAILABLE = "AVAILABLE";

    public NvmlFacts {
        nonBlank(status, "status");
    }

    public static NvmlFacts unavailable(String reason) {
        return new NvmlFacts(reason, null, null);
    }

    public boolean available() {
        return AVAILABLE.equals(status);
    }
}
