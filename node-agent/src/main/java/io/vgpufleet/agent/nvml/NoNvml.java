package io.vgpufleet.agent.nvml;

import java.util.Optional;

/**
 * The answer on a host without {@code libnvidia-ml.so.1} (or until the JNA binding lands): every
 * device is unavailable with {@code NVML_ERROR_LIBRARY_NOT_FOUND}, and the agent reports what sysfs
 * tells.
 */
public final class NoNvml implements NvmlPort {

    public static final String LIBRARY_NOT_FOUND = "NVML_ERROR_LIBRARY_NOT_FOUND";

    @Override
    public NvmlDevice deviceAt(String pciBdf) {
        return NvmlDevice.unavailable(LIBRARY_NOT_FOUND);
    }

    @Override
    public Optional<String> vgpuInstanceUuidOn(String virtualFunctionBdf) {
        return Optional.empty();
    }

    @Override
    public Optional<String> driverVersion() {
        return Optional.empty();
    }

    @Override
    public NvmlHealthSample healthOf(String pciBdf) {
        return NvmlHealthSample.unavailable(pciBdf, LIBRARY_NOT_FOUND);
    }

    /** Without NVML no event ever comes: waits out the timeout. */
    @Override
    public Optional<NvmlEvent> awaitEvent(java.time.Duration timeout) throws InterruptedException {
        Thread.sleep(timeout.toMillis());
        return Optional.empty();
    }
}
