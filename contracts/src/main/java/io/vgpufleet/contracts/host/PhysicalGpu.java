package io.vgpufleet.contracts.host;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.present;

import java.util.List;

/**
 * A physical GPU as its host reports it.
 *
 * @param pciBdf the physical function's PCI address (the mdev parent on mdev hosts)
 * @param numaNode NUMA node of the device; -1 where the platform has none
 * @param cpuAffinity CPUs local to the device in the kernel's list form ({@code 0-15,32-47}); empty if unknown
 * @param heterogeneousMode whether the pGPU may host vGPUs of different types at once
 * @param types the vGPU types this pGPU supports with their capacity now
 * @param virtualFunctions SR-IOV VFs (vendor-VFIO hosts only; empty on mdev hosts)
 */
public record PhysicalGpu(
        String uuid,
        String pciBdf,
        String model,
        long memoryMib,
        int numaNode,
        String cpuAffinity,
        EccMode eccMode,
        HostKind hostKind,
        boolean heterogeneousMode,
        NvmlFacts nvml,
        List<VgpuTypeCapacity> types,
        List<VirtualFunction> virtualFunctions) {

    public PhysicalGpu {
        validGpuUuid(uuid, "uuid");
        validPciBdf(pciBdf, "pciBdf");
        nonBlank(model, "model");
        nonNegative(memoryMib, "memoryMib");
        if (numaNode < -1) {
            throw new IllegalArgumentException("numaNode must be -1 or a node number, was " + numaNode);
        }
        present(cpuAffinity, "cpuAffinity");
        present(eccMode, "eccMode");
        present(hostKind, "hostKind");
        present(nvml, "nvml");
        types = list(types, "types");
        virtualFunctions = list(virtualFunctions, "virtualFunctions");
    }
}
