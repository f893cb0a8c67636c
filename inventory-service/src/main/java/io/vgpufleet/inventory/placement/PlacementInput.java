package io.vgpufleet.inventory.placement;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.VgpuClass;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The fleet as placement sees it, precomputed once per fleet change so that each request only reads:
 * every pGPU with its host, types, resident vGPUs, health, cordon, staleness, NUMA node, ECC and driver
 * blocks already resolved into flags and a request-independent verdict, plus indexes that make a
 * request cost a few array reads whatever the fleet's size:
 *
 * <ul>
 *   <li>per <em>signature</em> (the set of types a pGPU lists, the same for every pGPU of one model and
 *       driver), its pGPUs, so the pGPUs that have none of the requested types are counted by signature,
 *       not one by one;
 *   <li>per request <em>shape</em> (matching types, single or multi-vGPU, NUMA node, ECC), a
 *       {@link PlacementView}: the pGPUs that can take it presorted for {@link PlacementPolicy#PACK} and for
 *       {@link PlacementPolicy#SPREAD}, and the counts (with examples) of those that cannot. The shapes
 *       "one vGPU of type X" are built with the input; others on first use, then kept (at most
 *       {@value #MAX_VIEWS}). {@link #prepareShapesOf} carries the shapes in use over to a new input.
 * </ul>
 *
 * Immutable as far as any caller can see (the memo of shapes only saves work) and safe to share between
 * threads; make one with {@link PlacementInputs#from}. pGPUs are numbered in host id then PCI address
 * order, which is also the tie-break order of every ranking.
 */
public final class PlacementInput {

    /** How many examples of each precomputed rejection reason the input keeps. */
    static final int PRECOMPUTED_EXAMPLES = 32;

    /**
     * The most request shapes (views) one input memoises on first use, besides those built with it; beyond
     * it a view is built per request. A view holds about 24 bytes per pGPU it ranks, so this bounds the
     * memo to a few hundred MiB at 80,000 pGPUs even if every shape asked for spans the whole fleet.
     */
    static final int MAX_VIEWS = 128;

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

    /**
     * A host: its pGPUs' indexes in PCI order, how full it is (mean pGPU fill), and the snapshot and held
     * vGPUs ({@link HeldCapacity}) it was built from (so a later input can reuse what it worked out for an
     * unchanged host).
     */
    record Host(int index, String hostId, int[] gpus, double fill, io.vgpufleet.contracts.host.HostSnapshot source,
            Map<String, Map<String, Integer>> held) {}

    /** pGPUs listing the same types (sorted type indexes), with those that pass the request-independent rules. */
    record Signature(int index, int[] typeIndexes, int[] baseOkGpus) {}

    final Gpu[] gpus;
    final Host[] hosts;
    final TypeInfo[] types;
    final Map<String, int[]> typeIndexesById;
    final Signature[] signatures;
    final int[] baseCounts;
    final int[][] baseExamples;
    final Map<String, Integer> gpuByUuid;
    final Map<String, Integer> hostById;
    final Map<String, List<String>> uuidConflicts;
    private final ConcurrentHashMap<PlacementView.Key, PlacementView> views = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger memoised = new java.util.concurrent.atomic.AtomicInteger();

    PlacementInput(
            Gpu[] gpus,
            Host[] hosts,
            TypeInfo[] types,
            Map<String, int[]> typeIndexesById,
            Signature[] signatures,
            int[] baseCounts,
            int[][] baseExamples,
            Map<String, Integer> gpuByUuid,
            Map<String, Integer> hostById,
            Map<String, List<String>> uuidConflicts) {
        this.gpus = gpus;
        this.hosts = hosts;
        this.types = types;
        this.typeIndexesById = typeIndexesById;
        this.signatures = signatures;
        this.baseCounts = baseCounts;
        this.baseExamples = baseExamples;
        this.gpuByUuid = gpuByUuid;
        this.hostById = hostById;
        this.uuidConflicts = uuidConflicts;
    }

    /**
     * pGPU UUIDs reported by more than one host, each with those hosts (host id order): every pGPU with such
     * a UUID is rejected as {@link RejectionReason#GPU_UUID_CONFLICT}. Empty in a healthy fleet.
     */
    public Map<String, List<String>> uuidConflicts() {
        return uuidConflicts;
    }

    /**
     * The view of a request shape, built on first use (one pass over the pGPUs listing a matching type) and
     * kept for the input's life. Two threads asking at once may both build it; one copy is kept.
     */
    PlacementView view(PlacementView.Key key) {
        PlacementView view = views.get(key);
        if (view != null) {
            return view;
        }
        view = PlacementView.build(this, key);
        if (memoised.get() < MAX_VIEWS) {
            PlacementView prior = views.putIfAbsent(key, view);
            if (prior != null) {
                return prior;
            }
            memoised.incrementAndGet();
        }
        return view;
    }

    /** Keeps a view built with the input (not counted against {@link #MAX_VIEWS}). */
    void keep(PlacementView view) {
        views.put(view.key, view);
    }

    /**
     * Builds now the request shapes another input (usually the one this replaces) has been asked for, so
     * that the first requests after a fleet change do not pay for them. Call it where the input is built
     * (a background refresher), before publishing the input to request threads. Shapes whose types this
     * fleet no longer has are skipped.
     */
    public void prepareShapesOf(PlacementInput previous) {
        for (PlacementView.Key key : previous.views.keySet()) {
            java.util.BitSet mapped = new java.util.BitSet();
            boolean complete = true;
            for (int t = key.types().nextSetBit(0); t >= 0; t = key.types().nextSetBit(t + 1)) {
                int here = indexOf(previous.types[t]);
                complete &= here >= 0;
                if (here >= 0) {
                    mapped.set(here);
                }
            }
            if (complete) {
                view(new PlacementView.Key(mapped, key.multi(), key.numaNode(), key.eccRequired()));
            }
        }
    }

    /** The index here of a type with the same id and properties as one of another input; -1 if none. */
    private int indexOf(TypeInfo other) {
        for (int t : typeIndexesById.getOrDefault(other.typeId(), new int[0])) {
            TypeInfo type = types[t];
            if (type.name().equals(other.name()) && type.vgpuClass() == other.vgpuClass()
                    && type.framebufferMib() == other.framebufferMib() && type.maxInstances() == other.maxInstances()) {
                return t;
            }
        }
        return -1;
    }

    /** How many request shapes are built and kept (for tests and metrics). */
    int viewCount() {
        return views.size();
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
