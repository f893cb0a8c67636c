package io.vgpufleet.inventory.placement;

import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.placement.PlacementInput.Gpu;
import io.vgpufleet.inventory.placement.PlacementInput.Slot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For each vGPU type in the fleet, how many more instances the fleet can still take, and how much of
 * that is lost to fragmentation: capacity sitting on homogeneous pGPUs that already host another type.
 * Answers "can we still fit 200 A100-10C?" and shows when repacking would pay.
 *
 * <p>Only pGPUs that can take anything count (fresh host, vGPU manager running, not cordoned, healthy,
 * no ECC block). On such a pGPU one type can take {@code min(availableInstances, maxInstances -
 * resident)} more, or none while another type is resident on a homogeneous pGPU. Counts are per type
 * and do not add up across types: the same free pGPU is counted under every type it lists.
 *
 * <pre>{@code
 * FragmentationReport report = FragmentationReport.of(input);
 * report.forType("nvidia-289").ifPresent(t -> log.info("{} more {}", t.headroom(), t.name()));
 * }</pre>
 */
public record FragmentationReport(List<TypeHeadroom> types) {

    public FragmentationReport {
        types = List.copyOf(types);
    }

    /**
     * @param headroom instances the fleet can still create of this type
     * @param gpusWithRoom pGPUs that can take at least one more
     * @param emptyGpus pGPUs listing the type with no vGPU at all
     * @param lockedByOtherType instances the type's maximum would allow on homogeneous pGPUs that another
     *     type holds (what repacking could win back)
     */
    public record TypeHeadroom(
            String typeId,
            String name,
            VgpuClass vgpuClass,
            long framebufferMib,
            int maxInstances,
            long headroom,
            int gpusWithRoom,
            int emptyGpus,
            long lockedByOtherType) {}

    public static FragmentationReport of(PlacementInput input) {
        Map<String, long[]> totals = new TreeMap<>();
        Map<String, PlacementInput.TypeInfo> firstInfo = new TreeMap<>();
        for (Gpu gpu : input.gpus) {
            int residentTotal = gpu.residentByType().values().stream().mapToInt(Integer::intValue).sum();
            for (Slot slot : gpu.slots()) {
                String id = slot.type().typeId();
                firstInfo.putIfAbsent(id, slot.type());
                long[] t = totals.computeIfAbsent(id, k -> new long[4]);
                if (gpu.baseReason() != null) {
                    continue;
                }
                boolean locked = !gpu.heterogeneous() && residentTotal > slot.resident();
                long more = locked ? 0 : Math.max(0, Math.min(slot.available(), slot.type().maxInstances() - slot.resident()));
                t[0] += more;
                t[1] += more > 0 ? 1 : 0;
                t[2] += residentTotal == 0 ? 1 : 0;
                t[3] += locked ? slot.type().maxInstances() : 0;
            }
        }
        List<TypeHeadroom> types = new ArrayList<>();
        totals.forEach((id, t) -> {
            PlacementInput.TypeInfo info = firstInfo.get(id);
            types.add(new TypeHeadroom(id, info.name(), info.vgpuClass(), info.framebufferMib(), info.maxInstances(), t[0],
                    (int) t[1], (int) t[2], t[3]));
        });
        return new FragmentationReport(types);
    }

    public java.util.Optional<TypeHeadroom> forType(String typeId) {
        return types.stream().filter(t -> t.typeId().equals(typeId)).findFirst();
    }
}
