package io.vgpufleet.agent.simulator;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import java.util.ArrayList;
import java.util.List;

/**
 * A GPU model the simulator can play, with its PCI device id, memory, how it exposes vGPUs and its
 * type catalogue. Type ids are plausible and consistent rather than copied from NVIDIA's tables; the
 * Tesla P4's are the ones NVIDIA's KVM talk lists.
 *
 * @param virtualFunctions SR-IOV VFs enabled on a vendor-VFIO model; 0 on mdev models
 * @param underscoreDescriptions whether its driver writes {@code num_heads=} rather than {@code num heads=}
 */
public record GpuModel(
        String name,
        String pciDeviceId,
        long memoryMib,
        EccMode eccMode,
        HostKind hostKind,
        int virtualFunctions,
        boolean underscoreDescriptions,
        MemoryRepair memoryRepair,
        List<SimulatedType> types) {

    /**
     * How the GPU takes bad memory out of use: dynamic page retirement before Ampere, row remapping from
     * Ampere on. NVML answers {@code NOT_SUPPORTED} for the other one, and so does the simulator.
     */
    public enum MemoryRepair {
        PAGE_RETIREMENT,
        ROW_REMAPPING
    }

    public static final GpuModel TESLA_P4 = new GpuModel("Tesla P4", "0x1bb3", 8192, EccMode.OFF, HostKind.MDEV, 0,
            false, MemoryRepair.PAGE_RETIREMENT, List.of(
                    type("nvidia-63", "GRID P4-1B", 1024, 8),
                    type("nvidia-64", "GRID P4-1Q", 1024, 8),
                    type("nvidia-65", "GRID P4-2Q", 2048, 4),
                    type("nvidia-66", "GRID P4-4Q", 4096, 2),
                    type("nvidia-67", "GRID P4-8Q", 8192, 1),
                    type("nvidia-68", "GRID P4-1A", 1024, 8),
                    type("nvidia-69", "GRID P4-2A", 2048, 4),
                    type("nvidia-70", "GRID P4-4A", 4096, 2),
                    type("nvidia-71", "GRID P4-8A", 8192, 1),
                    type("nvidia-157", "GRID P4-2B", 2048, 4),
                    type("nvidia-214", "GRID P4-1C", 1024, 8),
                    type("nvidia-243", "GRID P4-2C", 2048, 4),
                    type("nvidia-288", "GRID P4-4C", 4096, 2),
                    type("nvidia-289", "GRID P4-8C", 8192, 1)));

    public static final GpuModel TESLA_T4 = new GpuModel("Tesla T4", "0x1eb8", 16384, EccMode.ON, HostKind.MDEV, 0,
            true, MemoryRepair.PAGE_RETIREMENT, sized("nvidia-", 222, "GRID T4-", 16384, List.of(
                    "1B", "2B", "1Q", "2Q", "4Q", "8Q", "16Q", "1A", "2A", "4A", "8A", "16A", "4C", "8C", "16C")));

    public static final GpuModel A100_SXM4_40GB = new GpuModel("NVIDIA A100-SXM4-40GB", "0x20b0", 40960, EccMode.ON,
            HostKind.MDEV, 0, false, MemoryRepair.ROW_REMAPPING, sized("nvidia-", 471, "GRID A100-", 40960,
                    List.of("4C", "5C", "8C", "10C", "20C", "40C")));

    public static final GpuModel H100_SXM5_80GB = new GpuModel("NVIDIA H100 80GB HBM3", "0x2330", 81920, EccMode.ON,
            HostKind.VENDOR_VFIO, 20, false, MemoryRepair.ROW_REMAPPING, sized("", 860, "NVIDIA H100XM-", 81920,
                    List.of("4C", "5C", "10C", "16C", "20C", "40C", "80C")));

    public GpuModel {
        types = List.copyOf(types);
    }

    private static SimulatedType type(String id, String name, long framebufferMib, int maxInstances) {
        return new SimulatedType(id, name, framebufferMib, maxInstances);
    }

    /** Types named by size in GiB and class ({@code 8Q}), numbered from {@code firstId} in order. */
    private static List<SimulatedType> sized(String idPrefix, int firstId, String namePrefix, long memoryMib,
            List<String> sizes) {
        List<SimulatedType> types = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            String size = sizes.get(i);
            long framebufferMib = Long.parseLong(size.substring(0, size.length() - 1)) * 1024;
            types.add(type(idPrefix + (firstId + i), namePrefix + size, framebufferMib,
                    (int) (memoryMib / framebufferMib)));
        }
        return types;
    }
}
