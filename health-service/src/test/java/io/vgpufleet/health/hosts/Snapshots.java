package io.vgpufleet.health.hosts;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Host snapshots for tests: T4 pGPUs offering a compute (T4-8C, nvidia-230) and a workstation type (T4-8Q, nvidia-231). */
public final class Snapshots {

    public static final String COMPUTE_TYPE = "nvidia-230";
    public static final String WORKSTATION_TYPE = "nvidia-231";

    private Snapshots() {}

    /** A pGPU at {@code pciBdf} with ECC in {@code ecc}. */
    public static PhysicalGpu gpu(String uuid, String pciBdf, EccMode ecc) {
        return new PhysicalGpu(uuid, pciBdf, "Tesla T4", 16384, 0, "0-15", ecc, HostKind.MDEV, false,
                new NvmlFacts(NvmlFacts.AVAILABLE, "HOST_VGPU", "NON_SRIOV"),
                List.of(new VgpuTypeCapacity(COMPUTE_TYPE, "GRID T4-8C", VgpuClass.C, 8192, 2, 2, 1, 0, "4096x2160",
                                "vfio-pci", null),
                        new VgpuTypeCapacity(WORKSTATION_TYPE, "GRID T4-8Q", VgpuClass.Q, 8192, 2, 2, 1, 60,
                                "7680x4320", "vfio-pci", null)),
                List.of());
    }

    /** A vGPU of {@code typeId} on pGPU {@code gpuUuid}, with an mdev UUID numbered {@code n}. */
    public static Vgpu vgpu(int n, String gpuUuid, String typeId) {
        return new Vgpu(String.format("00000000-0000-4000-8000-%012d", n), gpuUuid, typeId, null, "vm-" + n, Map.of(),
                null);
    }

    public static HostSnapshot snapshot(String hostId, Instant at, List<PhysicalGpu> gpus, List<Vgpu> vgpus) {
        return new HostSnapshot(hostId, 1, at, "test", HostKind.MDEV, new VgpuManagerStatus(true, "550.54.16", List.of()),
                new ArrayList<>(gpus), new ArrayList<>(vgpus));
    }
}
