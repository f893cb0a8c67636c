package io.vgpufleet.inventory.claims.ledger;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host as the kernel keeps it, for ledger tests: pGPUs offering T4-4Q ({@value #T4_4Q}, 4 per pGPU, 4 GiB)
 * and T4-8Q ({@value #T4_8Q}, 2 per pGPU, 8 GiB) in 16 GiB, homogeneous unless asked. Creating a vGPU
 * refuses what the kernel refuses (another type on a homogeneous pGPU, no instance available); the
 * snapshot reports {@code available_instances} as the driver computes it.
 */
final class SimulatedHost {

    static final String T4_4Q = "nvidia-232";
    static final String T4_8Q = "nvidia-233";
    static final long MEMORY_MIB = 16_384;

    record Type(String id, long framebufferMib, int max) {}

    static final Map<String, Type> TYPES = Map.of(T4_4Q, new Type(T4_4Q, 4096, 4), T4_8Q, new Type(T4_8Q, 8192, 2));

    final String hostId;
    final List<String> gpus = new ArrayList<>();
    final Map<String, Boolean> heterogeneous = new LinkedHashMap<>();
    /** vGPU UUID to its pGPU and type. */
    final Map<String, String[]> vgpus = new LinkedHashMap<>();
    private long sequence;
    private Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    SimulatedHost(String hostId, int gpuCount, boolean heterogeneousMode) {
        this.hostId = hostId;
        for (int i = 0; i < gpuCount; i++) {
            String uuid = String.format("GPU-%08x-0000-4000-8000-%012x", hostId.hashCode() & 0xffff, i);
            gpus.add(uuid);
            heterogeneous.put(uuid, heterogeneousMode);
        }
    }

    static String bdf(int index) {
        return String.format("0000:%02x:00.0", 0x10 + index);
    }

    int resident(String gpu, String type) {
        return (int) vgpus.values().stream().filter(v -> v[0].equals(gpu) && v[1].equals(type)).count();
    }

    long usedFramebuffer(String gpu) {
        return vgpus.values().stream().filter(v -> v[0].equals(gpu)).mapToLong(v -> TYPES.get(v[1]).framebufferMib()).sum();
    }

    boolean hasOtherType(String gpu, String type) {
        return vgpus.values().stream().anyMatch(v -> v[0].equals(gpu) && !v[1].equals(type));
    }

    int available(String gpu, String type) {
        Type t = TYPES.get(type);
        if (!heterogeneous.get(gpu) && hasOtherType(gpu, type)) {
            return 0;
        }
        int byMax = t.max() - resident(gpu, type);
        int byMemory = (int) ((MEMORY_MIB - usedFramebuffer(gpu)) / t.framebufferMib());
        return Math.max(0, Math.min(byMax, byMemory));
    }

    /** Writes the UUID to the type's {@code create}: false where the kernel would refuse. */
    boolean create(String gpu, String type, String vgpuUuid) {
        if (vgpus.containsKey(vgpuUuid) || available(gpu, type) < 1) {
            return false;
        }
        vgpus.put(vgpuUuid, new String[] {gpu, type});
        return true;
    }

    void remove(String vgpuUuid) {
        vgpus.remove(vgpuUuid);
    }

    HostSnapshot snapshot() {
        clock = clock.plusMillis(1);
        List<PhysicalGpu> physical = new ArrayList<>();
        for (int i = 0; i < gpus.size(); i++) {
            String gpu = gpus.get(i);
            List<VgpuTypeCapacity> types = new ArrayList<>();
            for (String id : List.of(T4_4Q, T4_8Q)) {
                Type t = TYPES.get(id);
                types.add(new VgpuTypeCapacity(id, id.equals(T4_4Q) ? "GRID T4-4Q" : "GRID T4-8Q", VgpuClass.Q,
                        t.framebufferMib(), t.max(), available(gpu, id), 1, 60, "4096x2160", "vfio-pci", null));
            }
            physical.add(new PhysicalGpu(gpu, bdf(i), "Tesla T4", MEMORY_MIB, 0, "0-15", EccMode.OFF, HostKind.MDEV,
                    heterogeneous.get(gpu), NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), types, List.of()));
        }
        List<Vgpu> resident = new ArrayList<>();
        vgpus.forEach((uuid, where) -> resident.add(new Vgpu(uuid, where[0], where[1], null, null, Map.of(), null)));
        return new HostSnapshot(hostId, ++sequence, clock, "test", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.54.16", List.of()), physical, resident);
    }
}
