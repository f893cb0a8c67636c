package io.vgpufleet.agent.nvml;

/**
 * What NVML says about the devices of this host. Implementations never throw: a failed call becomes
 * an unavailable answer carrying the NVML return code's name, so discovery still reports from sysfs.
 */
public interface NvmlPort {

    /** The facts of the GPU at a PCI address ({@code dddd:bb:dd.f}, already validated). */
    NvmlDevice deviceAt(String pciBdf);

    /**
     * The UUID of the vGPU instance a vendor-VFIO virtual function carries; on those hosts the driver,
     * not sysfs, knows it. Empty where NVML cannot say.
     */
    java.util.Optional<String> vgpuInstanceUuidOn(String virtualFunctionBdf);

    /** The host driver's version where NVML knows it. */
    java.util.Optional<String> driverVersion();

    /**
     * Reads the memory-health counters of the GPU at a PCI address: ECC counters, retired pages, remapped
     * rows. Cheap enough to call every second for every GPU.
     */
    NvmlHealthSample healthOf(String pciBdf);

    /**
     * Waits up to {@code timeout} for the next critical event of any GPU of this host (single- and
     * double-bit ECC errors, Xid critical errors, a GPU lost); empty when none came. Called from one
     * events thread only.
     */
    java.util.Optional<NvmlEvent> awaitEvent(java.time.Duration timeout) throws InterruptedException;

    /**
     * {@code nvmlVgpuInstanceGetMetadata} of the vGPU with this mdev (or vGPU instance) UUID, as the migration
     * source reads it; empty where NVML cannot give it.
     */
    default java.util.Optional<byte[]> vgpuMigrationMetadata(String vgpuUuid) {
        return java.util.Optional.empty();
    }

    /**
     * {@code nvmlGetVgpuCompatibility} on this (target) host: the source vGPU's metadata checked against the
     * pGPU at {@code pciBdf} (already validated). Never throws; a call NVML cannot make answers its code.
     */
    default VgpuCompatibility vgpuCompatibility(byte[] vgpuMetadata, String pciBdf) {
        return VgpuCompatibility.failed("NVML_ERROR_NOT_SUPPORTED");
    }
}
