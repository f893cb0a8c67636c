package io.vgpufleet.agent.commands;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a command may run on this host, before anything is touched. The command's fields
 * are already valid (the contract records check them on construction, so a hostile type id or UUID
 * never gets this far); what is left is whether they make sense here: the right host, not expired, a
 * parent that is a pGPU of this host, a type that pGPU has, a vGPU that exists.
 *
 * <p>Pure: values in, the list of reasons out (empty when the command may run).
 */
public final class CommandValidator {

    private CommandValidator() {}

    public static List<String> reasonsToReject(AgentCommand command, String hostId, DiscoveredHost host, Instant now) {
        List<String> reasons = new ArrayList<>();
        if (!command.hostId().equals(hostId)) {
            reasons.add("addressed to host " + command.hostId() + ", but this agent runs host " + hostId);
            return reasons;
        }
        if (now.isAfter(command.notAfter())) {
            reasons.add("expired: not after " + command.notAfter() + ", received at " + now);
        }
        if (command instanceof CreateVgpu create) {
            Optional<PhysicalGpu> gpu = gpuAt(host, create.parentPciBdf());
            if (gpu.isEmpty()) {
                reasons.add("parentPciBdf " + create.parentPciBdf() + " is not a pGPU of host " + hostId);
            } else if (gpu.get().types().stream().map(VgpuTypeCapacity::typeId).noneMatch(create.typeId()::equals)) {
                reasons.add("type " + create.typeId() + " is not a vGPU type of pGPU " + create.parentPciBdf()
                        + " (" + gpu.get().model() + ")");
            }
        } else if (command instanceof RemoveVgpu remove) {
            if (host.vgpus().stream().noneMatch(vgpu -> vgpu.uuid().equals(remove.vgpuUuid()))) {
                reasons.add("no vGPU " + remove.vgpuUuid() + " on host " + hostId);
            }
        }
        return reasons;
    }

    static Optional<PhysicalGpu> gpuAt(DiscoveredHost host, String pciBdf) {
        return host.gpus().stream().filter(gpu -> gpu.pciBdf().equals(pciBdf)).findFirst();
    }
}
