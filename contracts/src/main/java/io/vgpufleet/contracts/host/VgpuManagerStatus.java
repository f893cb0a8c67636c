package io.vgpufleet.contracts.host;

import static io.vgpufleet.contracts.Checks.list;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The state of NVIDIA's vGPU manager on the host.
 *
 * @param running whether the {@code nvidia-vgpu-mgr} service runs
 * @param driverVersion the host driver version, where known
 * @param problems known failure modes found, in the driver's words where it has them
 *     (e.g. "vGPU not supported with ECC Enabled")
 */
public record VgpuManagerStatus(boolean running, @Nullable String driverVersion, List<String> problems) {

    public VgpuManagerStatus {
        problems = list(problems, "problems");
    }
}
