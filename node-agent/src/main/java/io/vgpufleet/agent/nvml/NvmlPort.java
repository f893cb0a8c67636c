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
}
