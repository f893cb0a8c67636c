package io.vgpufleet.inventory.placement;

import static io.vgpufleet.inventory.placement.PlacementInputs.gpuOf;
import static io.vgpufleet.inventory.placement.PlacementInputs.slotOf;
import static io.vgpufleet.inventory.placement.PlacementInputs.sortKey;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.inventory.placement.PlacementInput.Gpu;
import io.vgpufleet.inventory.placement.PlacementInput.Host;
import io.vgpufleet.inventory.placement.PlacementInput.Signature;
import io.vgpufleet.inventory.placement.PlacementInput.Slot;
import io.vgpufleet.inventory.placement.PlacementInput.TypeIndex;
import io.vgpufleet.inventory.placement.PlacementInput.TypeInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Answers placement requests against a {@link PlacementInput}: the best candidates under a
 * {@link PlacementPolicy}, and for every other pGPU why not. Stateless and thread-safe; one instance
 * serves any number of threads and inputs.
 *
 * <p>The rules, in the order a rejected pGPU is reported by (see {@link RejectionReason}): the host is
 * fresh and its vGPU manager runs; the pGPU is not cordoned, is healthy, and its driver does not refuse
 * vGPUs under ECC; it lists a type that is the requested one (or of the requested class with enough
 * framebuffer); for a multi-vGPU VM that type is 1:1; one more instance fits (no other type resident on
 * a homogeneous pGPU, fewer than the type's maximum resident, an instance available); ECC, affinity,
 * anti-affinity and NUMA as asked. A multi-vGPU VM then needs {@code count} such pGPUs of one type on
 * one host, pairwise NVLink-linked when P2P is asked; each host offers its best such set.
 *
 * <p>A request for one vGPU of a named type without pGPU constraints is answered from the input's
 * presorted indexes (cost independent of the fleet's size); other requests scan the pGPUs that list a
 * matching type.
 */
public final class PlacementEngine {

    /** Examples per rejection reason in a {@link PlacementResult}, unless the constructor says otherwise. */
    public static final int DEFAULT_EXAMPLES_PER_REASON = 3;

    private static final RejectionReason[] REASONS = RejectionReason.values();

    private final int examplesPerReason;

    public PlacementEngine() {
        this(DEFAULT_EXAMPLES_PER_REASON);
    }

    /** @param examplesPerReason how many rejections of each reason to list (counts are always complete) */
    public PlacementEngine(int examplesPerReason) {
        if (examplesPerReason < 0) {
            throw new IllegalArgumentException("examplesPerReason must not be negative, was " + examplesPerReason);
        }
        this.examplesPerReason = examplesPerReason;
    }

    /**
     * The best {@code limit} candidates for the request, best first, and the rejections. For a single
     * vGPU each candidate is a pGPU (several may share a host); for a multi-vGPU VM each is a host with its
     * best set of pGPUs.
     */
    public PlacementResult place(PlacementRequest request, PlacementInput input, PlacementPolicy policy, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        Tally tally = new Tally(input, request);
        for (RejectionReason reason : REASONS) {
            int count = input.baseCounts[reason.ordinal()];
            if (count > 0) {
                tally.count(reason, count);
                tally.examples(input.baseExamples[reason.ordinal()], reason, null);
            }
        }
        RejectionReason[] typeStages = typeStages(request, input);
        int matching = 0;
        int onlyType = -1;
        for (int t = 0; t < typeStages.length; t++) {
            if (typeStages[t] == null) {
                matching++;
                onlyType = t;
            }
        }
        boolean indexed = request.count() == 1 && !request.constrainsGpus() && matching == 1;

        TopK best = new TopK(request.count() == 1 ? limit : 0);
        LongList multi = new LongList();
        int eligible = 0;
        for (Signature signature : input.signatures) {
            int[] positions = matchingPositions(signature, typeStages);
            int[] gpus = signature.baseOkGpus();
            if (positions.length == 0) {
                RejectionReason stage = furthestTypeStage(signature, typeStages);
                tally.count(stage, gpus.length);
                tally.examples(gpus, stage, null);
                continue;
            }
            if (indexed) {
                continue;
            }
            for (int g : gpus) {
                Gpu gpu = input.gpus[g];
                int choice = chooseSlot(request, gpu, positions, policy);
                if (choice < 0) {
                    RejectionReason reason = REASONS[-choice - 1];
                    tally.reject(gpu, reason, typeIdForExample(gpu, positions, reason, request));
                } else if (request.count() == 1) {
                    eligible++;
                    best.offer(sortKey(gpu.slots()[choice].key(policy), g, choice));
                } else {
                    multi.add(((long) g << 8) | choice);
                }
            }
        }

        List<Candidate> candidates;
        if (indexed) {
            TypeIndex index = input.typeIndexes[onlyType];
            for (RejectionReason reason : REASONS) {
                int count = index.stateCounts()[reason.ordinal()];
                if (count > 0) {
                    tally.count(reason, count);
                    tally.examples(index.stateExamples()[reason.ordinal()], reason, input.types[onlyType].typeId());
                }
            }
            long[] ready = index.ready(policy);
            eligible = ready.length;
            candidates = new ArrayList<>(Math.min(limit, ready.length));
            for (int i = 0; i < ready.length && i < limit; i++) {
                candidates.add(single(input, ready[i]));
            }
        } else if (request.count() == 1) {
            long[] keys = best.sorted();
            candidates = new ArrayList<>(keys.length);
            for (long key : keys) {
                candidates.add(single(input, key));
            }
        } else {
            MultiOutcome outcome = multi(request, input, policy, multi.sortedCopy(), tally);
            eligible = outcome.eligible();
            candidates = outcome.candidates().subList(0, Math.min(limit, outcome.candidates().size()));
        }
        return new PlacementResult(candidates, input.gpus.length, eligible, tally.counts(), tally.examples);
    }

    /** Every reason the pGPU cannot take the request; empty if the fleet has no such pGPU. */
    public Optional<GpuVerdict> explain(PlacementRequest request, PlacementInput input, String gpuUuid) {
        Integer index = input.gpuByUuid.get(gpuUuid);
        if (index == null) {
            return Optional.empty();
        }
        Gpu gpu = input.gpus[index];
        List<GpuVerdict> host = explainHost(request, input, gpu.hostId());
        return Optional.of(host.get(gpu.localIndex()));
    }

    /** Every reason each pGPU of the host cannot take the request, in PCI order; empty for an unknown host. */
    public List<GpuVerdict> explainHost(PlacementRequest request, PlacementInput input, String hostId) {
        Integer hostIndex = input.hostById.get(hostId);
        if (hostIndex == null) {
            return List.of();
        }
        Host host = input.hosts[hostIndex];
        List<List<Rejection>> reasons = new ArrayList<>();
        boolean[] eligible = new boolean[host.gpus().length];
        for (int i = 0; i < host.gpus().length; i++) {
            List<Rejection> gpuReasons = new ArrayList<>();
            eligible[i] = allReasons(request, input.gpus[host.gpus()[i]], gpuReasons);
            reasons.add(gpuReasons);
        }
        if (request.count() > 1) {
            RejectionReason[] typeStages = typeStages(request, input);
            LongList entries = new LongList();
            for (int g : host.gpus()) {
                Gpu gpu = input.gpus[g];
                if (gpu.baseReason() == null) {
                    int choice = chooseSlot(request, gpu, matchingPositions(input.signatures[gpu.signature()], typeStages),
                            PlacementPolicy.PACK);
                    if (choice >= 0) {
                        entries.add(((long) g << 8) | choice);
                    }
                }
            }
            Tally tally = new Tally(input, request);
            MultiOutcome outcome = multi(request, input, PlacementPolicy.PACK, entries.sortedCopy(), tally);
            for (Rejection rejection : tally.examples) {
                int local = input.gpus[input.gpuByUuid.get(rejection.gpuUuid())].localIndex();
                reasons.get(local).add(rejection);
                eligible[local] = false;
            }
            if (outcome.candidates().isEmpty() && tally.examples.isEmpty()) {
                Arrays.fill(eligible, false);
            }
        }
        List<GpuVerdict> verdicts = new ArrayList<>();
        for (int i = 0; i < host.gpus().length; i++) {
            Gpu gpu = input.gpus[host.gpus()[i]];
            verdicts.add(new GpuVerdict(gpu.hostId(), gpu.uuid(), gpu.pciBdf(), eligible[i], reasons.get(i)));
        }
        return verdicts;
    }

    // ---- rules ----

    /** Per type: absent where the type is of the requested kind, else why not (type id, class, framebuffer). */
    private static RejectionReason[] typeStages(PlacementRequest request, PlacementInput input) {
        RejectionReason[] stages = new RejectionReason[input.types.length];
        for (TypeInfo type : input.types) {
            stages[type.index()] = typeStage(request, type);
        }
        return stages;
    }

    private static @Nullable RejectionReason typeStage(PlacementRequest request, TypeInfo type) {
        if (request.typeId() != null && !request.typeId().equals(type.typeId())) {
            return RejectionReason.TYPE_NOT_SUPPORTED;
        }
        if (request.vgpuClass() != null && request.vgpuClass() != type.vgpuClass()) {
            return RejectionReason.CLASS_MISMATCH;
        }
        if (type.framebufferMib() < request.minFramebufferMib()) {
            return RejectionReason.FRAMEBUFFER_TOO_SMALL;
        }
        return null;
    }

    private static int[] matchingPositions(Signature signature, RejectionReason[] typeStages) {
        int[] types = signature.typeIndexes();
        int n = 0;
        for (int type : types) {
            if (typeStages[type] == null) {
                n++;
            }
        }
        if (n == 0) {
            return new int[0];
        }
        int[] positions = new int[n];
        int p = 0;
        for (int i = 0; i < types.length; i++) {
            if (typeStages[types[i]] == null) {
                positions[p++] = i;
            }
        }
        return positions;
    }

    private static RejectionReason furthestTypeStage(Signature signature, RejectionReason[] typeStages) {
        RejectionReason furthest = RejectionReason.TYPE_NOT_SUPPORTED;
        for (int type : signature.typeIndexes()) {
            RejectionReason stage = typeStages[type];
            if (stage != null && stage.ordinal() > furthest.ordinal()) {
                furthest = stage;
            }
        }
        return furthest;
    }

    /**
     * The position of the slot a base-ok pGPU offers (the smallest fitting framebuffer, then the better
     * score, then the lower type index), or {@code -(ordinal + 1)} of the furthest reason none fits.
     */
    private static int chooseSlot(PlacementRequest request, Gpu gpu, int[] positions, PlacementPolicy policy) {
        RejectionReason gpuReason = gpuReason(request, gpu);
        int chosen = -1;
        int furthest = -1;
        Slot[] slots = gpu.slots();
        for (int position : positions) {
            Slot slot = slots[position];
            RejectionReason reason = request.count() > 1 && !slot.oneToOne() ? RejectionReason.NOT_FULL_FRAMEBUFFER
                    : slot.stateReason() != null ? slot.stateReason()
                    : gpuReason;
            if (reason != null) {
                furthest = Math.max(furthest, reason.ordinal());
            } else if (chosen < 0 || better(slot, slots[chosen], policy)) {
                chosen = position;
            }
        }
        return chosen >= 0 ? chosen : -(furthest + 1);
    }

    private static boolean better(Slot slot, Slot than, PlacementPolicy policy) {
        if (slot.type().framebufferMib() != than.type().framebufferMib()) {
            return slot.type().framebufferMib() < than.type().framebufferMib();
        }
        return slot.key(policy) > than.key(policy);
    }

    /** The first request constraint on the pGPU itself (ECC, affinity, anti-affinity, NUMA) it fails. */
    private static @Nullable RejectionReason gpuReason(PlacementRequest request, Gpu gpu) {
        if (request.eccRequired() && gpu.eccMode() != EccMode.ON) {
            return RejectionReason.ECC_REQUIRED;
        }
        if (outsideAffinity(request, gpu)) {
            return RejectionReason.AFFINITY;
        }
        if (insideAntiAffinity(request, gpu)) {
            return RejectionReason.ANTI_AFFINITY;
        }
        if (request.numaNode() != null && request.numaNode() != gpu.numaNode()) {
            return RejectionReason.NUMA_MISMATCH;
        }
        return null;
    }

    private static boolean outsideAffinity(PlacementRequest request, Gpu gpu) {
        return (!request.hosts().isEmpty() && !request.hosts().contains(gpu.hostId()))
                || (!request.gpus().isEmpty() && !request.gpus().contains(gpu.uuid()));
    }

    private static boolean insideAntiAffinity(PlacementRequest request, Gpu gpu) {
        return request.avoidHosts().contains(gpu.hostId()) || request.avoidGpus().contains(gpu.uuid());
    }

    /** Collects every reason (not just the first); answers whether the pGPU still qualifies. */
    private static boolean allReasons(PlacementRequest request, Gpu gpu, List<Rejection> out) {
        if (gpu.hostStale()) {
            out.add(rejection(gpu, null, RejectionReason.HOST_STALE, "host " + gpu.hostId() + " has not reported recently"));
        }
        if (gpu.managerDown()) {
            out.add(rejection(gpu, null, RejectionReason.VGPU_MANAGER_DOWN, "nvidia-vgpu-mgr is not running on " + gpu.hostId()));
        }
        if (gpu.cordoned()) {
            out.add(rejection(gpu, null, RejectionReason.CORDONED, "cordoned"));
        }
        if (gpu.health() != GpuHealth.HEALTHY) {
            out.add(rejection(gpu, null, RejectionReason.UNHEALTHY, "health is " + gpu.health()));
        }
        if (gpu.eccBlocksVgpu()) {
            out.add(rejection(gpu, null, RejectionReason.ECC_BLOCKS_VGPU, "ECC is on and the driver refuses vGPUs with ECC"));
        }
        if (request.eccRequired() && gpu.eccMode() != EccMode.ON) {
            out.add(rejection(gpu, null, RejectionReason.ECC_REQUIRED, "ECC is " + gpu.eccMode()));
        }
        if (outsideAffinity(request, gpu)) {
            out.add(rejection(gpu, null, RejectionReason.AFFINITY, "outside the allowed hosts or pGPUs"));
        }
        if (insideAntiAffinity(request, gpu)) {
            out.add(rejection(gpu, null, RejectionReason.ANTI_AFFINITY, "in the avoided hosts or pGPUs"));
        }
        if (request.numaNode() != null && request.numaNode() != gpu.numaNode()) {
            out.add(rejection(gpu, null, RejectionReason.NUMA_MISMATCH,
                    "on NUMA node " + gpu.numaNode() + ", not " + request.numaNode()));
        }
        boolean gpuOk = out.isEmpty();
        boolean anySlot = false;
        boolean anyOfType = false;
        for (Slot slot : gpu.slots()) {
            TypeInfo type = slot.type();
            if (request.typeId() != null && !request.typeId().equals(type.typeId())) {
                continue;
            }
            anyOfType = true;
            int before = out.size();
            if (request.vgpuClass() != null && request.vgpuClass() != type.vgpuClass()) {
                out.add(rejection(gpu, type.typeId(), RejectionReason.CLASS_MISMATCH, type.name() + " is class " + type.vgpuClass()));
            }
            if (type.framebufferMib() < request.minFramebufferMib()) {
                out.add(rejection(gpu, type.typeId(), RejectionReason.FRAMEBUFFER_TOO_SMALL,
                        type.name() + " has " + type.framebufferMib() + " MiB, fewer than " + request.minFramebufferMib()));
            }
            if (request.count() > 1 && !slot.oneToOne()) {
                out.add(rejection(gpu, type.typeId(), RejectionReason.NOT_FULL_FRAMEBUFFER,
                        type.name() + " holds up to " + type.maxInstances() + " per pGPU"));
            }
            int resident = slot.resident();
            int total = gpu.residentByType().values().stream().mapToInt(Integer::intValue).sum();
            if (!gpu.heterogeneous() && total > resident) {
                out.add(rejection(gpu, type.typeId(), RejectionReason.OTHER_TYPE_RESIDENT,
                        "homogeneous pGPU already hosts " + gpu.residentByType().keySet().stream().sorted().toList()));
            }
            if (resident >= type.maxInstances()) {
                out.add(rejection(gpu, type.typeId(), RejectionReason.MAX_INSTANCES,
                        type.typeId() + ": " + resident + " of " + type.maxInstances() + " resident"));
            }
            if (slot.available() <= 0) {
                out.add(rejection(gpu, type.typeId(), RejectionReason.NO_CAPACITY, type.typeId() + ": 0 available"));
            }
            anySlot |= out.size() == before;
        }
        if (!anyOfType) {
            out.add(rejection(gpu, request.typeId(), RejectionReason.TYPE_NOT_SUPPORTED,
                    request.typeId() != null ? "does not list " + request.typeId() : "lists no vGPU type"));
        }
        return gpuOk && anySlot;
    }

    // ---- multi-vGPU ----

    private record MultiOutcome(List<Candidate> candidates, int eligible) {}

    /** Groups the eligible (pGPU, slot) entries, sorted by pGPU so hosts are contiguous, into one candidate per host. */
    private static MultiOutcome multi(
            PlacementRequest request, PlacementInput input, PlacementPolicy policy, long[] entries, Tally tally) {
        List<long[]> hostCandidates = new ArrayList<>(); // {score key, host index}
        List<List<Candidate.Slot>> chosenSlots = new ArrayList<>();
        int eligible = entries.length;
        int i = 0;
        while (i < entries.length) {
            int hostIndex = input.gpus[(int) (entries[i] >>> 8)].hostIndex();
            int end = i;
            Map<String, List<Long>> byType = new TreeMap<>();
            while (end < entries.length && input.gpus[(int) (entries[end] >>> 8)].hostIndex() == hostIndex) {
                Gpu gpu = input.gpus[(int) (entries[end] >>> 8)];
                Slot slot = gpu.slots()[(int) (entries[end] & 0xFF)];
                byType.computeIfAbsent(slot.type().typeId(), k -> new ArrayList<>())
                        .add(sortKey(slot.key(policy), gpu.index(), (int) (entries[end] & 0xFF)));
                end++;
            }
            long bestSum = -1;
            long[] bestSet = null;
            boolean enough = false;
            for (List<Long> group : byType.values()) {
                if (group.size() < request.count()) {
                    continue;
                }
                enough = true;
                long[] keys = group.stream().mapToLong(Long::longValue).sorted().toArray();
                long[] set = request.nvlinkP2p() ? bestClique(input, keys, request.count()) : Arrays.copyOf(keys, request.count());
                if (set != null) {
                    long sum = scoreSum(set);
                    if (sum > bestSum) {
                        bestSum = sum;
                        bestSet = set;
                    }
                }
            }
            if (bestSet == null) {
                RejectionReason reason = enough ? RejectionReason.NO_NVLINK_PEERS : RejectionReason.NOT_ENOUGH_GPUS_ON_HOST;
                for (int k = i; k < end; k++) {
                    Gpu gpu = input.gpus[(int) (entries[k] >>> 8)];
                    tally.reject(gpu, reason, gpu.slots()[(int) (entries[k] & 0xFF)].type().typeId());
                }
                eligible -= end - i;
            } else {
                List<Candidate.Slot> slots = new ArrayList<>();
                for (long key : bestSet) {
                    Gpu gpu = input.gpus[gpuOf(key)];
                    slots.add(new Candidate.Slot(gpu.uuid(), gpu.pciBdf(), gpu.slots()[slotOf(key)].type().typeId(), gpu.numaNode()));
                }
                hostCandidates.add(new long[] {Math.round(bestSum / (double) bestSet.length), hostIndex, chosenSlots.size()});
                chosenSlots.add(slots);
            }
            i = end;
        }
        hostCandidates.sort((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));
        List<Candidate> candidates = new ArrayList<>(hostCandidates.size());
        for (long[] c : hostCandidates) {
            candidates.add(new Candidate(input.hosts[(int) c[1]].hostId(), chosenSlots.get((int) c[2]),
                    c[0] / (double) PlacementInputs.SCORE_SCALE));
        }
        return new MultiOutcome(candidates, eligible);
    }

    private static long scoreSum(long[] sortKeys) {
        long sum = 0;
        for (long key : sortKeys) {
            sum += PlacementInputs.MAX_SCORE_KEY - (key >>> 40);
        }
        return sum;
    }

    /** The pairwise NVLink-linked set of {@code size} with the highest score sum (first found on ties); null if none. */
    private static long @Nullable [] bestClique(PlacementInput input, long[] keys, int size) {
        long[][] best = {null};
        long[] bestSum = {-1};
        search(input, keys, size, 0, new long[size], 0, -1L, best, bestSum);
        return best[0];
    }

    private static void search(PlacementInput input, long[] keys, int size, int from, long[] chosen, int depth, long allowed,
            long[][] best, long[] bestSum) {
        if (depth == size) {
            long sum = scoreSum(chosen);
            if (sum > bestSum[0]) {
                bestSum[0] = sum;
                best[0] = chosen.clone();
            }
            return;
        }
        for (int k = from; k <= keys.length - (size - depth); k++) {
            Gpu gpu = input.gpus[gpuOf(keys[k])];
            if ((allowed & (1L << gpu.localIndex())) == 0) {
                continue;
            }
            chosen[depth] = keys[k];
            search(input, keys, size, k + 1, chosen, depth + 1, allowed & gpu.nvlinkMask(), best, bestSum);
        }
    }

    // ---- results ----

    private static Candidate single(PlacementInput input, long key) {
        Gpu gpu = input.gpus[gpuOf(key)];
        Slot slot = gpu.slots()[slotOf(key)];
        double score = (PlacementInputs.MAX_SCORE_KEY - (key >>> 40)) / (double) PlacementInputs.SCORE_SCALE;
        return new Candidate(gpu.hostId(), List.of(new Candidate.Slot(gpu.uuid(), gpu.pciBdf(), slot.type().typeId(),
                gpu.numaNode())), score);
    }

    private static @Nullable String typeIdForExample(Gpu gpu, int[] positions, RejectionReason reason, PlacementRequest request) {
        if (reason.ordinal() >= RejectionReason.ECC_REQUIRED.ordinal()) {
            return null;
        }
        return positions.length == 1 ? gpu.slots()[positions[0]].type().typeId() : request.typeId();
    }

    private static Rejection rejection(Gpu gpu, @Nullable String typeId, RejectionReason reason, String detail) {
        return new Rejection(gpu.hostId(), gpu.uuid(), gpu.pciBdf(), typeId, reason, detail);
    }

    /** Counts per reason and the first examples of each. */
    private final class Tally {
        private final PlacementInput input;
        private final PlacementRequest request;
        private final int[] counts = new int[REASONS.length];
        private final int[] listed = new int[REASONS.length];
        final List<Rejection> examples = new ArrayList<>();

        Tally(PlacementInput input, PlacementRequest request) {
            this.input = input;
            this.request = request;
        }

        void count(RejectionReason reason, int n) {
            counts[reason.ordinal()] += n;
        }

        void examples(int[] gpus, RejectionReason reason, @Nullable String typeId) {
            for (int g : gpus) {
                if (listed[reason.ordinal()] >= examplesPerReason) {
                    return;
                }
                example(input.gpus[g], reason, typeId);
            }
        }

        void reject(Gpu gpu, RejectionReason reason, @Nullable String typeId) {
            counts[reason.ordinal()]++;
            if (listed[reason.ordinal()] < examplesPerReason) {
                example(gpu, reason, typeId);
            }
        }

        private void example(Gpu gpu, RejectionReason reason, @Nullable String typeId) {
            listed[reason.ordinal()]++;
            examples.add(rejection(gpu, typeId, reason, detail(gpu, reason, typeId)));
        }

        private String detail(Gpu gpu, RejectionReason reason, @Nullable String typeId) {
            return switch (reason) {
                case HOST_STALE -> "host " + gpu.hostId() + " has not reported recently";
                case VGPU_MANAGER_DOWN -> "nvidia-vgpu-mgr is not running on " + gpu.hostId();
                case CORDONED -> "cordoned";
                case UNHEALTHY -> "health is " + gpu.health();
                case ECC_BLOCKS_VGPU -> "ECC is on and the driver refuses vGPUs with ECC";
                case TYPE_NOT_SUPPORTED -> request.typeId() != null ? "does not list " + request.typeId()
                        : "lists no vGPU type";
                case CLASS_MISMATCH -> "lists no type of class " + request.vgpuClass();
                case FRAMEBUFFER_TOO_SMALL -> "lists no fitting type with at least " + request.minFramebufferMib() + " MiB";
                case NOT_FULL_FRAMEBUFFER -> "no matching type takes the whole pGPU";
                case OTHER_TYPE_RESIDENT -> "homogeneous pGPU already hosts "
                        + gpu.residentByType().keySet().stream().sorted().toList();
                case MAX_INSTANCES -> (typeId != null ? typeId + ": " + gpu.residentByType().getOrDefault(typeId, 0) : "")
                        + " at its maximum instances";
                case NO_CAPACITY -> (typeId != null ? typeId + ": " : "") + "no instance available";
                case ECC_REQUIRED -> "ECC is " + gpu.eccMode();
                case AFFINITY -> "outside the allowed hosts or pGPUs";
                case ANTI_AFFINITY -> "in the avoided hosts or pGPUs";
                case NUMA_MISMATCH -> "on NUMA node " + gpu.numaNode() + ", not " + request.numaNode();
                case NOT_ENOUGH_GPUS_ON_HOST -> "host " + gpu.hostId() + " has fewer than " + request.count()
                        + " eligible pGPUs of one type";
                case NO_NVLINK_PEERS -> "no " + request.count() + " eligible pGPUs of " + gpu.hostId()
                        + " are pairwise NVLink-linked";
            };
        }

        Map<RejectionReason, Integer> counts() {
            Map<RejectionReason, Integer> map = new EnumMap<>(RejectionReason.class);
            for (RejectionReason reason : REASONS) {
                if (counts[reason.ordinal()] > 0) {
                    map.put(reason, counts[reason.ordinal()]);
                }
            }
            return map;
        }
    }

    /** The {@code limit} smallest sort keys seen (best candidates), kept in a max-heap. */
    private static final class TopK {
        private final long[] heap;
        private int size;

        TopK(int limit) {
            heap = new long[Math.max(0, Math.min(limit, 1 << 20))];
        }

        void offer(long key) {
            if (heap.length == 0) {
                return;
            }
            if (size < heap.length) {
                heap[size] = key;
                int i = size++;
                while (i > 0 && heap[(i - 1) / 2] < heap[i]) {
                    swap(i, (i - 1) / 2);
                    i = (i - 1) / 2;
                }
            } else if (key < heap[0]) {
                heap[0] = key;
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    int r = l + 1;
                    int largest = i;
                    if (l < size && heap[l] > heap[largest]) {
                        largest = l;
                    }
                    if (r < size && heap[r] > heap[largest]) {
                        largest = r;
                    }
                    if (largest == i) {
                        break;
                    }
                    swap(i, largest);
                    i = largest;
                }
            }
        }

        private void swap(int a, int b) {
            long t = heap[a];
            heap[a] = heap[b];
            heap[b] = t;
        }

        long[] sorted() {
            long[] keys = Arrays.copyOf(heap, size);
            Arrays.sort(keys);
            return keys;
        }
    }

    /** A growable list of primitive longs. */
    private static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] sortedCopy() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
