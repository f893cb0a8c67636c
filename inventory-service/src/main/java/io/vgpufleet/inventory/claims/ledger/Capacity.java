package io.vgpufleet.inventory.claims.ledger;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a host's latest snapshot says about its capacity, reduced to what the ledger decides with: per
 * pGPU the types it lists (available now, maximum, framebuffer) and the vGPUs resident per type, and the
 * UUIDs of every vGPU on the host (to confirm claims).
 */
public record Capacity(Instant observedAt, long sequence, Map<String, GpuCapacity> gpus, Set<String> vgpuUuids) {

    public Capacity {
        gpus = Map.copyOf(gpus);
        vgpuUuids = Set.copyOf(vgpuUuids);
    }

    /** One pGPU: its types by id and its resident vGPUs counted by type. */
    public record GpuCapacity(boolean heterogeneous, Map<String, TypeLimit> types, Map<String, Integer> resident) {

        public GpuCapacity {
            types = Map.copyOf(types);
            resident = Map.copyOf(resident);
        }
    }

    /** One type on one pGPU: how many more the host says it can create now, the most it holds, and its size. */
    public record TypeLimit(int available, int max, long framebufferMib) {}

    public static Capacity of(HostSnapshot snapshot) {
        Map<String, Map<String, Integer>> resident = new HashMap<>();
        Set<String> uuids = new HashSet<>();
        for (Vgpu vgpu : snapshot.vgpus()) {
            uuids.add(vgpu.uuid());
            resident.computeIfAbsent(vgpu.gpuUuid(), g -> new HashMap<>()).merge(vgpu.typeId(), 1, Integer::sum);
        }
        Map<String, GpuCapacity> gpus = new LinkedHashMap<>();
        for (PhysicalGpu gpu : snapshot.gpus()) {
            Map<String, TypeLimit> types = new LinkedHashMap<>();
            for (VgpuTypeCapacity type : gpu.types()) {
                types.putIfAbsent(type.typeId(),
                        new TypeLimit(type.availableInstances(), type.maxInstances(), type.framebufferMib()));
            }
            gpus.put(gpu.uuid(), new GpuCapacity(gpu.heterogeneousMode(), types,
                    resident.getOrDefault(gpu.uuid(), Map.of())));
        }
        return new Capacity(snapshot.observedAt(), snapshot.sequence(), gpus, uuids);
    }

    /** Whether a snapshot taken at {@code observedAt} with {@code sequence} is older than this one. */
    public boolean isNewerThan(Instant otherObservedAt, long otherSequence) {
        int byTime = otherObservedAt.compareTo(observedAt);
        return byTime < 0 || (byTime == 0 && otherSequence < sequence);
    }
}
