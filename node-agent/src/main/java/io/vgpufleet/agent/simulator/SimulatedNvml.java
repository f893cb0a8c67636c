package io.vgpufleet.agent.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.agent.nvml.NvmlDevice;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.NvmlFacts;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * NVML as the simulated host answers it, from the simulator's own files ({@code simulator/nvml/<BDF>.properties},
 * {@code simulator/vf-vgpus/<VF>}). A device it has no file for answers {@code NVML_ERROR_NOT_FOUND},
 * as NVML does for a bus id it does not know. Fault injection (ECC errors, retired pages, Xids, a GPU
 * off the bus) comes with the node-agent issue.
 */
public final class SimulatedNvml implements NvmlPort {

    private final Path root;

    public SimulatedNvml(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public NvmlDevice deviceAt(String pciBdf) {
        if (!SysfsNames.isPciBdf(pciBdf)) {
            return NvmlDevice.unavailable("NVML_ERROR_INVALID_ARGUMENT");
        }
        Optional<Properties> facts = properties(root.resolve("simulator/nvml").resolve(pciBdf + ".properties"));
        if (facts.isEmpty()) {
            return NvmlDevice.unavailable("NVML_ERROR_NOT_FOUND");
        }
        Properties device = facts.get();
        try {
            return new NvmlDevice(
                    new NvmlFacts(NvmlFacts.AVAILABLE, device.getProperty("virtualization_mode"),
                            device.getProperty("host_vgpu_mode")),
                    device.getProperty("uuid"),
                    device.getProperty("name"),
                    Long.parseLong(device.getProperty("memory_mib", "0")),
                    EccMode.valueOf(device.getProperty("ecc_mode", "UNKNOWN")));
        } catch (IllegalArgumentException e) {
            return NvmlDevice.unavailable("NVML_ERROR_UNKNOWN");
        }
    }

    @Override
    public Optional<String> vgpuInstanceUuidOn(String virtualFunctionBdf) {
        if (!SysfsNames.isPciBdf(virtualFunctionBdf)) {
            return Optional.empty();
        }
        try {
            Path file = root.resolve("simulator/vf-vgpus").resolve(virtualFunctionBdf);
            return Files.exists(file) ? Optional.of(Files.readString(file, UTF_8).strip()).filter(SysfsNames::isUuid)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> driverVersion() {
        return properties(root.resolve(SimulatedHost.HOST_FILE)).map(host -> host.getProperty("driver_version"));
    }

    /**
     * All counters zero until fault injection (the node-agent issue) writes them; the simulated GPU
     * supports what its generation supports.
     */
    @Override
    public NvmlHealthSample healthOf(String pciBdf) {
        if (deviceAt(pciBdf).uuid() == null) {
            return NvmlHealthSample.unavailable(pciBdf, "NVML_ERROR_NOT_FOUND");
        }
        return new NvmlHealthSample(pciBdf, io.vgpufleet.contracts.health.EccCounters.ZERO, null,
                new NvmlHealthSample.RemappedRows(0, 0, false, false), null);
    }

    /** No event until fault injection delivers one: waits out the timeout. */
    @Override
    public Optional<io.vgpufleet.agent.nvml.NvmlEvent> awaitEvent(java.time.Duration timeout) throws InterruptedException {
        Thread.sleep(timeout.toMillis());
        return Optional.empty();
    }

    private static Optional<Properties> properties(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
            return Optional.of(properties);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
