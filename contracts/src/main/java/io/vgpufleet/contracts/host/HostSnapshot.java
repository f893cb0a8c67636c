package io.vgpufleet.contracts.host;

import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything one host knows about its GPUs at one moment: the node agent publishes it at start, on
 * every change and as a heartbeat, keyed by host id on a compacted topic, so the latest snapshot of
 * every host is always readable.
 *
 * @param sequence increases with every snapshot an agent process publishes; restarts begin again at 1
 *     with a later {@code observedAt}
 * @param hostKind {@code MDEV} when the host has any mdev parent (or no vendor-VFIO pGPU), otherwise
 *     {@code VENDOR_VFIO}. A host may mix both kinds of pGPU; whatever depends on how a vGPU is made or
 *     attached asks {@link PhysicalGpu#hostKind()} of its pGPU, never this summary
 */
public record HostSnapshot(
        String hostId,
        long sequence,
        Instant observedAt,
        String agentVersion,
        HostKind hostKind,
        VgpuManagerStatus vgpuManager,
        List<PhysicalGpu> gpus,
        List<Vgpu> vgpus) {

    public HostSnapshot {
        validHostId(hostId, "hostId");
        nonNegative(sequence, "sequence");
        present(observedAt, "observedAt");
        nonBlank(agentVersion, "agentVersion");
        present(hostKind, "hostKind");
        present(vgpuManager, "vgpuManager");
        gpus = list(gpus, "gpus");
        vgpus = list(vgpus, "vgpus");
        Set<String> gpuUuids = new HashSet<>();
        for (PhysicalGpu gpu : gpus) {
            if (!gpuUuids.add(gpu.uuid())) {
                throw new IllegalArgumentException("gpus holds " + gpu.uuid() + " twice");
            }
        }
        Set<String> vgpuUuids = new HashSet<>();
        for (Vgpu vgpu : vgpus) {
            if (!gpuUuids.contains(vgpu.gpuUuid())) {
                throw new IllegalArgumentException("vGPU " + vgpu.uuid() + " names pGPU " + vgpu.gpuUuid()
                        + " that is not in gpus");
            }
            if (!vgpuUuids.add(vgpu.uuid())) {
                throw new IllegalArgumentException("vgpus holds " + vgpu.uuid() + " twice");
            }
        }
    }

    /**
     * Whether {@code other} reports what this snapshot reports: everything but {@code sequence} and
     * {@code observedAt}, so a heartbeat of this snapshot answers true.
     */
    public boolean reportsSameAs(HostSnapshot other) {
        return hostId.equals(other.hostId) && agentVersion.equals(other.agentVersion) && hostKind == other.hostKind
                && vgpuManager.equals(other.vgpuManager) && gpus.equals(other.gpus) && vgpus.equals(other.vgpus);
    }
}
