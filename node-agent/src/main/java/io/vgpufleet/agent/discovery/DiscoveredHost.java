package io.vgpufleet.agent.discovery;

import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import java.time.Instant;
import java.util.List;

/**
 * One discovery's result: the snapshot's content without its sequence and time, and the parts that
 * could not be read. Two results with equal content describe the same host state, which is how the
 * publisher tells a change from a heartbeat.
 *
 * @param problems one line per part that was skipped or reported incompletely, with the reason
 */
public record DiscoveredHost(
        HostKind hostKind,
        VgpuManagerStatus vgpuManager,
        List<PhysicalGpu> gpus,
        List<Vgpu> vgpus,
        List<String> problems) {

    public DiscoveredHost {
        gpus = List.copyOf(gpus);
        vgpus = List.copyOf(vgpus);
        problems = List.copyOf(problems);
    }

    public HostSnapshot toSnapshot(String hostId, long sequence, Instant observedAt, String agentVersion) {
        return new HostSnapshot(hostId, sequence, observedAt, agentVersion, hostKind, vgpuManager, gpus, vgpus);
    }

    /** Whether two discoveries describe the same host (problems aside: they are logged, not published). */
    public boolean sameContentAs(DiscoveredHost other) {
        return hostKind == other.hostKind
                && vgpuManager.equals(other.vgpuManager)
                && gpus.equals(other.gpus)
                && vgpus.equals(other.vgpus);
    }
}
