package io.vgpufleet.agent.commands;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.SetVgpuParams;
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
            parentAndType(host, hostId, create.parentPciBdf(), create.typeId(), reasons);
            reasons.addAll(VgpuParams.reasonsToReject(create.params()));
        } else if (command instanceof PrepareMigrationTarget prepare) {
            parentAndType(host, hostId, prepare.parentPciBdf(), prepare.typeId(), reasons);
        } else if (command instanceof CheckMigrationCompatibility check) {
            parentAndType(host, hostId, check.parentPciBdf(), check.typeId(), reasons);
        } else if (command instanceof RemoveVgpu remove) {
            vgpuExists(host, hostId, remove.vgpuUuid(), reasons);
        } else if (command instanceof SetVgpuParams set) {
            vgpuExists(host, hostId, set.vgpuUuid(), reasons);
            reasons.addAll(VgpuParams.reasonsToReject(set.params()));
        } else if (command instanceof MigrateVm migrate) {
            vgpuExists(host, hostId, migrate.sourceVgpuUuid(), reasons);
        }
        return reasons;
    }

    private static void parentAndType(DiscoveredHost host, String hostId, String parentPciBdf, String typeId,
            List<String> reasons) {
        Optional<PhysicalGpu> gpu = gpuAt(host, parentPciBdf);
        if (gpu.isEmpty()) {
            reasons.add("parentPciBdf " + parentPciBdf + " is not a pGPU of host " + hostId);
        } else if (gpu.get().types().stream().map(VgpuTypeCapacity::typeId).noneMatch(typeId::equals)) {
            reasons.add("type " + typeId + " is not a vGPU type of pGPU " + parentPciBdf + " (" + gpu.get().model() + ")");
        }
    }

    private static void vgpuExists(DiscoveredHost host, String hostId, String vgpuUuid, List<String> reasons) {
        if (host.vgpus().stream().noneMatch(vgpu -> vgpu.uuid().equals(vgpuUuid))) {
            reasons.add("no vGPU " + vgpuUuid + " on host " + hostId);
        }
    }

    static Optional<PhysicalGpu> gpuAt(DiscoveredHost host, String pciBdf) {
        return host.gpus().stream().filter(gpu -> gpu.pciBdf().equals(pciBdf)).findFirst();
    }
}
