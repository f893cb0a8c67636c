package io.vgpufleet.inventory.placement;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.VgpuClass;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fleet as placement sees it, precomputed once per fleet change so that each request only reads:
 * every pGPU with its host, types, resident vGPUs, health, cordon, staleness, NUMA node, ECC and driver
 * blocks already resolved into flags and a request-independent verdict, plus indexes that make the
 * common request (one vGPU of a named type) cost a few array reads whatever the fleet's size:
 *
 * <ul>
 *   <li>per type, the pGPUs that can take one more instance now, presorted for {@link PlacementPolicy#PACK}
 *       and for {@link PlacementPolicy#SPREAD}, and the counts (with examples) of those that cannot;
 *   <li>per <em>signature</em> (the set of types a pGPU lists, the same for every pGPU of one model and
 *       driver), its pGPUs, so the pGPUs that have none of the requested types are counted by signature,
 *       not one by one.
 * </ul>
 *
 * Immutable and safe to share between threads; make one with {@link PlacementInputs#from}. pGPUs are
 * numbered in host id then PCI address order, which is also the tie-break order of every ranking.
 */
public final class PlacementInput {

    /** How many examples of each precomputed rejection reason the input keeps. */
    static final int PRECOMPUTED_EXAMPLES = 32;

    /** A distinct vGPU type (id with its properties) seen anywhere in the fleet. */
    record TypeInfo(int index, String typeId, String name, VgpuClass vgpuClass, long framebufferMib, int maxInstances) {}

    /**
     * A type on one pGPU and its state there.
     *
     * @param stateReason OTHER_TYPE_RESIDENT, MAX_INSTANCES or NO_CAPACITY; absent when one more fits
     * @param packKey and {@code spreadKey}: the quantised score (millionths), higher is better
     */
    record Slot(
            TypeInfo type,
            int available,
            int resident,
            @Nullable RejectionReason stateReason,
            boolean oneToOne,
            long packKey,
            long spreadKey) {

        long key(PlacementPolicy policy) {
            return policy == PlacementPolicy.PACK ? packKey : spreadKey;
        }
    }

    /**
     * A pGPU with everything placement reads. {@code slots} follow the signature's type order.
     *
     * @param baseReason the first request-independent reason it cannot take anything; absent if none
     * @param nvlinkMask bit {@code i} set when linked by NVLink to the host's {@code i}-th pGPU
     */
    record Gpu(
            int index,
            int hostIndex,
            int localIndex,
            String hostId,
            String uuid,
            String pciBdf,
            String model,
            long memoryMib,
            int numaNode,
            EccMode eccMode,
            boolean heterogeneous,
            GpuHealth health,
            boolean cordoned,
            boolean hostStale,
            boolean managerDown,
            boolean eccBlocksVgpu,
            @Nullable RejectionReason baseReason,
            int signature,
            Slot[] slots,
            Map<String, Integer> residentByType,
            double fill,
            long nvlinkMask) {

        @Nullable Slot slotOf(TypeInfo type, Signature[] signatures) {
            int position = java.util.Arrays.binarySearch(signatures[signature].typeIndexes(), type.index());
            return position < 0 ? null : slots[position];
        }
    }

    /** A host: its pGPUs' indexes in PCI order and how full it is (mean pGPU fill). */
    record Host(int index, String hostId, int[] gpus, double fill) {}

    /** pGPUs listing the same types (sorted type indexes), with those that pass the request-independent rules. */
    record Signature(int index, int[] typeIndexes, int[] baseOkGpus) {}

    /**
     * For one type: the base-ok pGPUs that can take one more instance, as {@code gpu << 8 | slot}, best
     * first for each policy; and the count and first examples of the base-ok pGPUs listing it that cannot.
     */
    record TypeIndex(long[] packReady, long[] spreadReady, int[] stateCounts, int[][] stateExamples) {

        long[] ready(PlacementPolicy policy) {
            return policy == PlacementPolicy.PACK ? packReady : spreadReady;
        }
    }

    final Gpu[] gpus;
    final Host[] hosts;
    final TypeInfo[] types;
    final Map<String, int[]> typeIndexesById;
    final Signature[] signatures;
    final TypeIndex[] typeIndexes;
    final int[] baseCounts;
    final int[][] baseExamples;
    final Map<String, Integer> gpuByUuid;
    final Map<String, Integer> hostById;

    PlacementInput(
            Gpu[] gpus,
            Host[] hosts,
            TypeInfo[] types,
            Map<String, int[]> typeIndexesById,
            Signature[] signatures,
            TypeIndex[] typeIndexes,
            int[] baseCounts,
            int[][] baseExamples,
            Map<String, Integer> gpuByUuid,
            Map<String, Integer> hostById) {
        this.gpus = gpus;
        this.hosts = hosts;
        this.types = types;
        this.typeIndexesById = typeIndexesById;
        this.signatures = signatures;
        this.typeIndexes = typeIndexes;
        this.baseCounts = baseCounts;
        this.baseExamples = baseExamples;
        this.gpuByUuid = gpuByUuid;
        this.hostById = hostById;
    }

    public int gpuCount() {
        return gpus.length;
    }

    public int hostCount() {
        return hosts.length;
    }

    /** Type ids seen in the fleet, sorted. */
    public List<String> typeIds() {
        return typeIndexesById.keySet().stream().sorted().toList();
    }
}
