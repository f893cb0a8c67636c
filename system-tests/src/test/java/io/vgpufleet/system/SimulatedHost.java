package io.vgpufleet.system;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A node agent on a simulated host, as a child process: its host id, its sysfs tree (beside the other
 * simulated hosts', so simulated live migrations between them work) and the simulator's endpoints.
 */
public final class SimulatedHost extends ComponentProcess {

    private final String hostId;
    private final String profile;
    private final Path sysfsRoot;

    SimulatedHost(String hostId, String profile, Path sysfsRoot, List<String> command, Path workDir, Path logFile,
            URI baseUrl) {
        super("node-agent-" + hostId, command, workDir, logFile, baseUrl, baseUrl.resolve("/healthz"));
        this.hostId = hostId;
        this.profile = profile;
        this.sysfsRoot = sysfsRoot;
    }

    public String hostId() {
        return hostId;
    }

    /** The simulator profile: p4, t4, a100, h100, mixed, a100x8. */
    public String profile() {
        return profile;
    }

    /** The host's simulated sysfs root (holding {@code class/mdev_bus}, {@code bus/mdev/devices}, ...). */
    public Path sysfsRoot() {
        return sysfsRoot;
    }

    /** {@code POST /sim/gpus/{gpuUuid}/faults} with a JSON body such as {@code {"kind": "double-bit-ecc"}}. */
    public Http.Response injectFault(String gpuUuid, String json) {
        return Http.post(url("/sim/gpus/" + gpuUuid + "/faults"), json);
    }

    /** {@code POST /sim/vms}: starts a VM holding these vGPUs, as an operator would. */
    public Http.Response startVm(String vmId, List<String> vgpuUuids) {
        String uuids = String.join("\",\"", vgpuUuids);
        return Http.post(url("/sim/vms"), "{\"vmId\":\"" + vmId + "\",\"vgpuUuids\":[\"" + uuids + "\"]}");
    }

    /** {@code DELETE /sim/vms/{vmId}} */
    public Http.Response destroyVm(String vmId) {
        return Http.delete(url("/sim/vms/" + vmId));
    }
}
