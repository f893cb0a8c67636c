package io.vgpufleet.agent.hypervisor;

import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.agent.http.SimulatedVms;
import io.vgpufleet.agent.publishing.SnapshotPublisher;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.host.Vgpu;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The simulated host's answer to {@code /sim/vms}: what libvirt would say to an operator starting a
 * VM whose definition names vGPUs. A vGPU must exist on this host (libvirt: the mediated device is not
 * found) and must not be held by another running VM (libvirt: the device is in use). A change
 * publishes a fresh snapshot at once, as a VM start on a real host is seen by the next discovery.
 */
public final class SimulatedVmControl implements SimulatedVms {

    private final SimulatedHypervisor hypervisor;
    private final SnapshotPublisher snapshots;

    public SimulatedVmControl(SimulatedHypervisor hypervisor, SnapshotPublisher snapshots) {
        this.hypervisor = hypervisor;
        this.snapshots = snapshots;
    }

    @Override
    public Outcome start(String vmId, List<String> vgpuUuids) {
        if (!SysfsNames.isSafeSegment(vmId) || vmId.startsWith(".") || !isIdentifier(vmId)) {
            return new Outcome(400, "'" + Checks.printable(vmId) + "' is not a VM name");
        }
        for (String uuid : vgpuUuids) {
            if (!SysfsNames.isUuid(uuid)) {
                return new Outcome(400, "'" + Checks.printable(uuid) + "' is not a vGPU UUID");
            }
        }
        // discovered before the hypervisor's lock is taken: the snapshot publisher's discovery holds its own
        // lock and then takes the hypervisor's (to list domains), so the other order deadlocks both
        Set<String> present = snapshots.discover().vgpus().stream().map(Vgpu::uuid).collect(Collectors.toSet());
        for (String uuid : vgpuUuids) {
            if (!present.contains(uuid)) {
                return new Outcome(404, "this host has no vGPU " + uuid);
            }
        }
        synchronized (hypervisor) {
            try {
                for (HypervisorPort.Domain domain : hypervisor.domains()) {
                    if (domain.name().equals(vmId)) {
                        continue;
                    }
                    for (String uuid : vgpuUuids) {
                        if (domain.mdevUuids().contains(uuid)) {
                            return new Outcome(409, "vGPU " + uuid + " is in use by VM " + domain.name());
                        }
                    }
                }
                hypervisor.run(vmId, vgpuUuids);
            } catch (HypervisorPort.HypervisorException e) {
                return new Outcome(409, e.getMessage());
            }
        }
        snapshots.publishChange("vm started");
        return new Outcome(201, vmId);
    }

    @Override
    public Outcome destroy(String vmId) {
        if (!SysfsNames.isSafeSegment(vmId) || vmId.startsWith(".")) {
            return new Outcome(404, "no VM '" + Checks.printable(vmId) + "' runs here");
        }
        try {
            if (!hypervisor.destroy(vmId)) {
                return new Outcome(404, "no VM " + vmId + " runs here");
            }
        } catch (HypervisorPort.HypervisorException e) {
            return new Outcome(409, e.getMessage());
        }
        snapshots.publishChange("vm destroyed");
        return new Outcome(204, vmId);
    }

    @Override
    public Map<String, List<String>> list() {
        Map<String, List<String>> vms = new LinkedHashMap<>();
        try {
            hypervisor.domains().forEach(domain -> vms.put(domain.name(), domain.mdevUuids()));
        } catch (HypervisorPort.HypervisorException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return vms;
    }

    private static boolean isIdentifier(String vmId) {
        try {
            Checks.identifier(vmId, "vmId");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
