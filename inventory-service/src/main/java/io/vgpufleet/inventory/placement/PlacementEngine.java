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
import io.vgpufleet.inventory.placement.PlacementInput.TypeInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
 * <p>Every request is answered from a {@link PlacementView} of its shape (matching types, single or
 * multi-vGPU, NUMA node, ECC), presorted per policy, so its cost does not grow with the fleet: the first
 * {@code limit} candidates are read off, and the counts per reason come precomputed. Host and pGPU
 * affinity and anti-affinity sets are applied as a correction that looks only at the pGPUs the sets
 * name (the pGPUs outside an allow-list are counted as a complement). A multi-vGPU request without
 * such sets reads a host ranking kept per shape, count, P2P and policy; with them, it groups the
 * shape's eligible pGPUs by host (cost in proportion to those, not to the fleet).
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
        Tally tally = new Tally(input, request, examplesPerReason);
        for (RejectionReason reason : REASONS) {
            int count = input.baseCounts[reason.ordinal()];
            if (count > 0) {
                tally.count(reason, count);
                tally.examples(input.baseExamples[reason.ordinal()], reason, null);
            }
        }
        RejectionReason[] typeStages = typeStages(request, input);
        BitSet matching = new BitSet(typeStages.length);
        for (int t = 0; t < typeStages.length; t++) {
            if (typeStages[t] == null) {
                matching.set(t);
            }
        }
        for (Signature signature : input.signatures) {
            int[] gpus = signature.baseOkGpus();
            if (gpus.length > 0 && !anyMatching(signature, typeStages)) {
                RejectionReason stage = furthestTypeStage(signature, typeStages);
                tally.count(stage, gpus.length);
                tally.examples(gpus, stage, null);
            }
        }
        if (matching.isEmpty()) {
            return new PlacementResult(List.of(), input.gpus.length, 0, tally.counts(), tally.examples());
        }
        PlacementView view = input.view(new PlacementView.Key(matching, request.count() > 1,
                request.numaNode() == null ? -1 : request.numaNode(), request.eccRequired()));
        for (RejectionReason reason : REASONS) {
            int count = view.counts[reason.ordinal()];
            if (count > 0) {
                tally.count(reason, count);
                tally.viewExamples(view, reason);
            }
        }
        return request.count() == 1
                ? placeOne(request, input, view, policy, limit, tally)
                : placeMany(request, input, view, policy, limit, tally);
    }

    /**
     * One vGPU: the view's presorted candidates, corrected for affinity sets by looking only at the pGPUs
     * the sets name. Without an allow-list, avoided pGPUs move from the view's NUMA or eligible class to
     * ANTI_AFFINITY. With one, every pGPU of those two classes outside it is AFFINITY (counted as the
     * complement), and those inside are classed one by one.
     */
    private static PlacementResult placeOne(PlacementRequest request, PlacementInput input, PlacementView view,
            PlacementPolicy policy, int limit, Tally tally) {
        List<Candidate> candidates = new ArrayList<>(Math.min(limit, 16));
        int eligible;
        if (!allowsOnly(request)) {
            int[] avoided = avoidedGpus(request, input);
            int numaAvoided = 0;
            int eligibleAvoided = 0;
            for (int g : avoided) {
                boolean numa = view.isNumaMismatch(g);
                if (numa || view.isEligible(g)) {
                    tally.reject(input.gpus[g], RejectionReason.ANTI_AFFINITY, null);
                    numaAvoided += numa ? 1 : 0;
                    eligibleAvoided += numa ? 0 : 1;
                }
            }
            tally.count(RejectionReason.NUMA_MISMATCH, view.numaMismatch.length - numaAvoided);
            for (int g : view.numaMismatch) {
                if (!tally.wantsExample(RejectionReason.NUMA_MISMATCH)) {
                    break;
                }
                if (!contains(avoided, g)) {
                    tally.example(input.gpus[g], RejectionReason.NUMA_MISMATCH, null);
                }
            }
            eligible = view.eligible.length - eligibleAvoided;
            long[] keys = view.keys(policy);
            for (int i = 0; i < keys.length && candidates.size() < limit; i++) {
                if (avoided.length == 0 || !contains(avoided, gpuOf(keys[i]))) {
                    candidates.add(single(input, keys[i]));
                }
            }
        } else {
            int[] allowed = allowedGpus(request, input);
            PlacementView.LongList chosen = new PlacementView.LongList();
            int inView = 0;
            for (int g : allowed) {
                boolean numa = view.isNumaMismatch(g);
                if (!numa && !view.isEligible(g)) {
                    continue;
                }
                inView++;
                Gpu gpu = input.gpus[g];
                if (insideAntiAffinity(request, gpu)) {
                    tally.reject(gpu, RejectionReason.ANTI_AFFINITY, null);
                } else if (numa) {
                    tally.reject(gpu, RejectionReason.NUMA_MISMATCH, null);
                } else {
                    int choice = chooseSlot(request, gpu, view.positions[gpu.signature()], policy);
                    chosen.add(sortKey(gpu.slots()[choice].key(policy), g, choice));
                }
            }
            outsideAllowed(input, view, allowed, inView, tally);
            eligible = chosen.size();
            long[] keys = chosen.sorted();
            for (int i = 0; i < keys.length && i < limit; i++) {
                candidates.add(single(input, keys[i]));
            }
        }
        return new PlacementResult(candidates, input.gpus.length, eligible, tally.counts(), tally.examples());
    }

    /**
     * A multi-vGPU VM. Without affinity sets the whole outcome (every host's best set, ranked) depends only
     * on the view, the count, P2P and the policy, so it is worked out once per input and kept. With sets,
     * the view's NUMA and eligible pGPUs (or, with an allow-list, those of them it names) are classed one
     * by one and grouped by host.
     */
    private static PlacementResult placeMany(PlacementRequest request, PlacementInput input, PlacementView view,
            PlacementPolicy policy, int limit, Tally tally) {
        boolean allowList = allowsOnly(request);
        boolean avoidList = !request.avoidHosts().isEmpty() || !request.avoidGpus().isEmpty();
        if (!allowList && !avoidList) {
            tally.count(RejectionReason.NUMA_MISMATCH, view.numaMismatch.length);
            tally.examples(view.numaMismatch, RejectionReason.NUMA_MISMATCH, null);
            ManyOutcome outcome = view.multi(new PlacementView.MultiKey(request.count(), request.nvlinkP2p(), policy),
                    key -> ManyOutcome.of(request, input, view, policy));
            tally.add(outcome.rejections());
            return new PlacementResult(outcome.candidates().subList(0, Math.min(limit, outcome.candidates().size())),
                    input.gpus.length, outcome.eligible(), tally.counts(), tally.examples());
        }
        PlacementView.LongList entries = new PlacementView.LongList();
        if (allowList) {
            int[] allowed = allowedGpus(request, input);
            int inView = 0;
            for (int g : allowed) {
                if (view.isNumaMismatch(g) || view.isEligible(g)) {
                    inView++;
                    classify(request, input, view, policy, g, entries, tally);
                }
            }
            outsideAllowed(input, view, allowed, inView, tally);
        } else {
            int[] numa = view.numaMismatch;
            int[] ok = view.eligible;
            for (int i = 0, j = 0; i < numa.length || j < ok.length; ) {
                int g = j >= ok.length || (i < numa.length && numa[i] < ok[j]) ? numa[i++] : ok[j++];
                classify(request, input, view, policy, g, entries, tally);
            }
        }
        MultiOutcome outcome = multi(request, input, policy, entries.sorted(), tally);
        return new PlacementResult(outcome.candidates().subList(0, Math.min(limit, outcome.candidates().size())),
                input.gpus.length, outcome.eligible(), tally.counts(), tally.examples());
    }

    /** A pGPU of the view's NUMA or eligible class under the whole request: rejected, or an entry. */
    private static void classify(PlacementRequest request, PlacementInput input, PlacementView view, PlacementPolicy policy,
            int g, PlacementView.LongList entries, Tally tally) {
        Gpu gpu = input.gpus[g];
        RejectionReason reason = gpuReason(request, gpu);
        if (reason != null) {
            tally.reject(gpu, reason, null);
        } else {
            entries.add(((long) g << 8) | chooseSlot(request, gpu, view.positions[gpu.signature()], policy));
        }
    }

    /**
     * With an allow-list, every pGPU of the view's NUMA or eligible class that the list does not name is
     * AFFINITY: counted as the complement of the {@code inView} it names, with examples found by walking
     * both classes in pGPU order past the named ones.
     */
    private static void outsideAllowed(PlacementInput input, PlacementView view, int[] allowed, int inView, Tally tally) {
        tally.count(RejectionReason.AFFINITY, view.numaMismatch.length + view.eligible.length - inView);
        int[] numa = view.numaMismatch;
        int[] ok = view.eligible;
        for (int i = 0, j = 0; (i < numa.length || j < ok.length) && tally.wantsExample(RejectionReason.AFFINITY); ) {
            int g = j >= ok.length || (i < numa.length && numa[i] < ok[j]) ? numa[i++] : ok[j++];
            if (!contains(allowed, g)) {
                tally.example(input.gpus[g], RejectionReason.AFFINITY, null);
            }
        }
    }

    private static boolean allowsOnly(PlacementRequest request) {
        return !request.hosts().isEmpty() || !request.gpus().isEmpty();
    }

    /** pGPUs the request's allow-lists admit (its host and pGPU lists both), ascending. */
    private static int[] allowedGpus(PlacementRequest request, PlacementInput input) {
        PlacementView.IntList allowed = new PlacementView.IntList();
        if (!request.gpus().isEmpty()) {
            for (String uuid : request.gpus()) {
                Integer g = input.gpuByUuid.get(uuid);
                if (g != null && !outsideAffinity(request, input.gpus[g])) {
                    allowed.add(g);
                }
            }
        } else {
            for (String hostId : request.hosts()) {
                Integer h = input.hostById.get(hostId);
                if (h != null) {
                    for (int g : input.hosts[h].gpus()) {
                        allowed.add(g);
                    }
                }
            }
        }
        return allowed.sorted();
    }

    /** pGPUs the request's anti-affinity lists name, ascending and without repeats. */
    private static int[] avoidedGpus(PlacementRequest request, PlacementInput input) {
        if (request.avoidHosts().isEmpty() && request.avoidGpus().isEmpty()) {
            return new int[0];
        }
        PlacementView.IntList avoided = new PlacementView.IntList();
        for (String hostId : request.avoidHosts()) {
            Integer h = input.hostById.get(hostId);
            if (h != null) {
                for (int g : input.hosts[h].gpus()) {
                    avoided.add(g);
                }
            }
        }
        for (String uuid : request.avoidGpus()) {
            Integer g = input.gpuByUuid.get(uuid);
            if (g != null && !request.avoidHosts().contains(input.gpus[g].hostId())) {
                avoided.add(g);
            }
        }
        return avoided.sorted();
    }

    private static boolean contains(int[] sorted, int value) {
        return Arrays.binarySearch(sorted, value) >= 0;
    }

    /** A multi-vGPU outcome kept in a view: every host candidate ranked, and the host-stage rejections. */
    private record ManyOutcome(List<Candidate> candidates, int eligible, Tally rejections) {

        static ManyOutcome of(PlacementRequest request, PlacementInput input, PlacementView view, PlacementPolicy policy) {
            long[] keys = view.keys(policy);
            long[] entries = new long[keys.length];
            for (int i = 0; i < keys.length; i++) {
                entries[i] = ((long) gpuOf(keys[i]) << 8) | slotOf(keys[i]);
            }
            Arrays.sort(entries);
            Tally rejections = new Tally(input, request, PlacementInput.PRECOMPUTED_EXAMPLES);
            MultiOutcome outcome = multi(request, input, policy, entries, rejections);
            return new ManyOutcome(List.copyOf(outcome.candidates()), outcome.eligible(), rejections);
        }
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
            PlacementView.LongList entries = new PlacementView.LongList();
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
            Tally tally = new Tally(input, request, Integer.MAX_VALUE);
            MultiOutcome outcome = multi(request, input, PlacementPolicy.PACK, entries.sorted(), tally);
            List<Rejection> hostRejections = tally.examples();
            for (Rejection rejection : hostRejections) {
                int local = input.gpus[input.gpuByUuid.get(rejection.gpuUuid())].localIndex();
                reasons.get(local).add(rejection);
                eligible[local] = false;
            }
            if (outcome.candidates().isEmpty() && hostRejections.isEmpty()) {
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

    private static boolean anyMatching(Signature signature, RejectionReason[] typeStages) {
        for (int type : signature.typeIndexes()) {
            if (typeStages[type] == null) {
                return true;
            }
        }
        return false;
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
    static int chooseSlot(PlacementRequest request, Gpu gpu, int[] positions, PlacementPolicy policy) {
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

    private static String conflictDetail(Gpu gpu) {
        return "UUID " + gpu.uuid() + " is reported by another host as well; excluded on every host reporting it";
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
        if (gpu.baseReason() == RejectionReason.GPU_UUID_CONFLICT) {
            out.add(rejection(gpu, null, RejectionReason.GPU_UUID_CONFLICT, conflictDetail(gpu)));
        }
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

    /** Counts per reason and the first examples of each, listed by reason then as found. */
    private static final class Tally {
        private final PlacementInput input;
        private final PlacementRequest request;
        private final int examplesPerReason;
        private final int[] counts = new int[REASONS.length];
        private final List<List<Rejection>> examples = new ArrayList<>(REASONS.length);

        Tally(PlacementInput input, PlacementRequest request, int examplesPerReason) {
            this.input = input;
            this.request = request;
            this.examplesPerReason = examplesPerReason;
            for (int r = 0; r < REASONS.length; r++) {
                examples.add(List.of());
            }
        }

        void count(RejectionReason reason, int n) {
            counts[reason.ordinal()] += n;
        }

        boolean wantsExample(RejectionReason reason) {
            return examples.get(reason.ordinal()).size() < examplesPerReason;
        }

        void examples(int[] gpus, RejectionReason reason, @Nullable String typeId) {
            for (int g : gpus) {
                if (!wantsExample(reason)) {
                    return;
                }
                example(input.gpus[g], reason, typeId);
            }
        }

        /** Examples of a view's precomputed class, each with the type it is about where one type matches. */
        void viewExamples(PlacementView view, RejectionReason reason) {
            for (int g : view.examples[reason.ordinal()]) {
                if (!wantsExample(reason)) {
                    return;
                }
                Gpu gpu = input.gpus[g];
                example(gpu, reason, typeIdForExample(gpu, view.positions[gpu.signature()], reason, request));
            }
        }

        void reject(Gpu gpu, RejectionReason reason, @Nullable String typeId) {
            counts[reason.ordinal()]++;
            if (wantsExample(reason)) {
                example(gpu, reason, typeId);
            }
        }

        /** Adds another tally's counts and (up to this one's bound) examples. */
        void add(Tally other) {
            for (int r = 0; r < REASONS.length; r++) {
                counts[r] += other.counts[r];
                for (Rejection rejection : other.examples.get(r)) {
                    if (!wantsExample(REASONS[r])) {
                        break;
                    }
                    listFor(r).add(rejection);
                }
            }
        }

        void example(Gpu gpu, RejectionReason reason, @Nullable String typeId) {
            listFor(reason.ordinal()).add(rejection(gpu, typeId, reason, detail(gpu, reason, typeId)));
        }

        private List<Rejection> listFor(int reason) {
            List<Rejection> list = examples.get(reason);
            if (list.isEmpty() && !(list instanceof ArrayList)) {
                list = new ArrayList<>();
                examples.set(reason, list);
            }
            return list;
        }

        private String detail(Gpu gpu, RejectionReason reason, @Nullable String typeId) {
            return switch (reason) {
                case GPU_UUID_CONFLICT -> conflictDetail(gpu);
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

        List<Rejection> examples() {
            List<Rejection> all = new ArrayList<>();
            for (List<Rejection> list : examples) {
                all.addAll(list);
            }
            return all;
        }
    }
}
