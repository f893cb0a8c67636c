package io.vgpufleet.inventory.placement;

import static io.vgpufleet.contracts.Checks.validGpuUuid;

/**
 * A direct NVLink connection between two pGPUs of one host, as NVML reports the link's peers. Unordered:
 * {@code of(a, b)} equals {@code of(b, a)}. An NVSwitch system (HGX) links every pair.
 */
public record NvlinkLink(String gpuA, String gpuB) {

    public NvlinkLink {
        validGpuUuid(gpuA, "gpuA");
        validGpuUuid(gpuB, "gpuB");
        if (gpuA.equals(gpuB)) {
            throw new IllegalArgumentException("an NVLink joins two pGPUs, not " + gpuA + " to itself");
        }
        if (gpuA.compareTo(gpuB) > 0) {
            String swap = gpuA;
            gpuA = gpuB;
            gpuB = swap;
        }
    }

    public static NvlinkLink of(String gpuA, String gpuB) {
        return new NvlinkLink(gpuA, gpuB);
    }
}
