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
}
