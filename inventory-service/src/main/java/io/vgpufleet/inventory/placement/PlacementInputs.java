package io.vgpufleet.inventory.placement;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.inventory.placement.PlacementInput.Gpu;
import io.vgpufleet.inventory.placement.PlacementInput.Host;
import io.vgpufleet.inventory.placement.PlacementInput.Signature;
import io.vgpufleet.inventory.placement.PlacementInput.Slot;
import io.vgpufleet.inventory.placement.PlacementInput.TypeInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link PlacementInput} from the fleet's facts. Call it once per fleet change (a new host
 * snapshot, a health verdict, a cordon) and share the result between requests:
 *
 * <pre>{@code
 * PlacementInput input = PlacementInputs.from(snapshots, healthByGpu, cordonedGpus, staleHosts, nvlinkByHost);
 * PlacementResult result = engine.place(request, input, PlacementPolicy.PACK, 10);
 * }</pre>
 *
 * <p>The NVLink topology is an input of its own because host snapshots do not carry it yet. A pGPU
 * absent from the health map counts as {@link GpuHealth#HEALTHY}. A host's driver blocks vGPUs on
 * ECC-enabled pGPUs when its {@code VgpuManagerStatus} lists a problem mentioning ECC (the driver's
 * "vGPU not supported with ECC Enabled").
 */
public final class PlacementInputs {

    /** Scores are quantised to millionths so equal scores compare equal and sort keys stay integral. */
    static final long SCORE_SCALE = 1_000_000L;

    static final long MAX_SCORE_KEY = (1L << 23) - 1;

    private PlacementInputs() {}

    public static PlacementInput from(
            Collection<HostSnapshot> snapshots,
            Map<String, GpuHealth> healthByGpu,
            Set<String> cordonedGpus,
            Set<String> staleHosts,
            Map<String, ? extends Collection<NvlinkLink>> nvlinkByHost) {
        return from(snapshots, healthByGpu, cordonedGpus, staleHosts, nvlinkByHost, null);
    }

    /**
     * As {@link #from(Collection, Map, Set, Set, Map)}, reusing what {@code previous} worked out for every
     * host whose snapshot is the very same object (the fleet view keeps a host's snapshot until a newer
     * one comes) and whose staleness, pGPU health, cordons and NVLink links are unchanged. The result is
     * the same as a build from scratch; only the per-host work is saved (the indexes are built anew).
     */
    public static PlacementInput from(
            Collection<HostSnapshot> snapshots,
            Map<String, GpuHealth> healthByGpu,
            Set<String> cordonedGpus,
            Set<String> staleHosts,
            Map<String, ? extends Collection<NvlinkLink>> nvlinkByHost,
            @Nullable PlacementInput previous) {
        return from(snapshots, healthByGpu, cordonedGpus, staleHosts, nvlinkByHost, Map.of(), previous);
    }

    /**
     * As {@link #from(Collection, Map, Set, Set, Map, PlacementInput)}, with the vGPUs that claims hold and
     * the snapshots do not show yet ({@code heldByHost}: host id to pGPU UUID to type id to count): each
     * counts as resident on its pGPU (fill, one type per homogeneous pGPU, the type's maximum) and takes one
     * instance of what the snapshot says is available (on a heterogeneous pGPU, its framebuffer from every
     * type, rounded up), as the claim ledger counts it.
     */
    public static PlacementInput from(
            Collection<HostSnapshot> snapshots,
            Map<String, GpuHealth> healthByGpu,
            Set<String> cordonedGpus,
            Set<String> staleHosts,
            Map<String, ? extends Collection<NvlinkLink>> nvlinkByHost,
            Map<String, Map<String, Map<String, Integer>>> heldByHost,
            @Nullable PlacementInput previous) {
        List<HostSnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparing(HostSnapshot::hostId));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).hostId().equals(sorted.get(i - 1).hostId())) {
                throw new IllegalArgumentException("two snapshots for host " + sorted.get(i).hostId());
            }
        }

        Map<String, List<String>> conflicts = uuidConflicts(sorted);

        Catalog catalog = new Catalog();
        Map<String, Integer> maxById = new HashMap<>();
        for (HostSnapshot host : sorted) {
            for (PhysicalGpu gpu : host.gpus()) {
                for (VgpuTypeCapacity type : gpu.types()) {
                    catalog.of(type);
                    maxById.putIfAbsent(type.typeId(), type.maxInstances());
                }
            }
        }
        TypeInfo[] types = catalog.all.toArray(TypeInfo[]::new);
        Map<String, List<Integer>> byId = new HashMap<>();
        for (TypeInfo type : types) {
            byId.computeIfAbsent(type.typeId(), id -> new ArrayList<>()).add(type.index());
        }
        Map<String, int[]> typeIndexesById = new HashMap<>();
        byId.forEach((id, indexes) -> typeIndexesById.put(id, indexes.stream().mapToInt(Integer::intValue).toArray()));

        Map<SignatureKey, Integer> signatureIds = new HashMap<>();
        List<int[]> signatureTypes = new ArrayList<>();
        List<Gpu> gpus = new ArrayList<>();
        List<Host> hosts = new ArrayList<>();
        for (HostSnapshot host : sorted) {
            boolean stale = staleHosts.contains(host.hostId());
            boolean managerDown = !host.vgpuManager().running();
            boolean driverRefusesEcc = host.vgpuManager().problems().stream()
                    .anyMatch(problem -> problem.toUpperCase(Locale.ROOT).contains("ECC"));
            Map<String, Map<String, Integer>> residents = new HashMap<>();
            for (Vgpu vgpu : host.vgpus()) {
                residents.computeIfAbsent(vgpu.gpuUuid(), g -> new HashMap<>()).merge(vgpu.typeId(), 1, Integer::sum);
            }
            Map<String, Map<String, Integer>> held = heldByHost.getOrDefault(host.hostId(), Map.of());
            held.forEach((gpuUuid, byType) -> byType.forEach((typeId, count) ->
                    residents.computeIfAbsent(gpuUuid, g -> new HashMap<>()).merge(typeId, count, Integer::sum)));
            List<PhysicalGpu> hostGpus = new ArrayList<>(host.gpus());
            hostGpus.sort(Comparator.comparing(PhysicalGpu::pciBdf).thenComparing(PhysicalGpu::uuid));
            if (hostGpus.size() > 64) {
                throw new IllegalArgumentException("host " + host.hostId() + " has more than 64 pGPUs");
            }
            Map<String, Integer> local = new HashMap<>();
            for (int i = 0; i < hostGpus.size(); i++) {
                local.put(hostGpus.get(i).uuid(), i);
            }
            long[] masks = new long[hostGpus.size()];
            Collection<NvlinkLink> links = nvlinkByHost.get(host.hostId());
            for (NvlinkLink link : links == null ? List.<NvlinkLink>of() : links) {
                Integer a = local.get(link.gpuA());
                Integer b = local.get(link.gpuB());
                if (a != null && b != null) {
                    masks[a] |= 1L << b;
                    masks[b] |= 1L << a;
                }
            }

            int hostIndex = hosts.size();
            Host reusable = previous == null ? null
                    : reusable(previous, host, stale, masks, healthByGpu, cordonedGpus, types, conflicts, held);
            if (reusable != null) {
                int[] hostGpuIndexes = new int[reusable.gpus().length];
                for (int i = 0; i < hostGpuIndexes.length; i++) {
                    Gpu was = previous.gpus[reusable.gpus()[i]];
                    int[] signatureTypeIndexes = new int[was.slots().length];
                    for (int position = 0; position < signatureTypeIndexes.length; position++) {
                        signatureTypeIndexes[position] = was.slots()[position].type().index();
                    }
                    int signature = signatureIds.computeIfAbsent(new SignatureKey(signatureTypeIndexes), k -> {
                        signatureTypes.add(signatureTypeIndexes);
                        return signatureTypes.size() - 1;
                    });
                    int index = gpus.size();
                    hostGpuIndexes[i] = index;
                    gpus.add(new Gpu(index, hostIndex, i, was.hostId(), was.uuid(), was.pciBdf(), was.model(),
                            was.memoryMib(), was.numaNode(), was.eccMode(), was.heterogeneous(), was.health(),
                            was.cordoned(), was.hostStale(), was.managerDown(), was.eccBlocksVgpu(), was.baseReason(),
                            signature, was.slots(), was.residentByType(), was.fill(), was.nvlinkMask()));
                }
                hosts.add(new Host(hostIndex, host.hostId(), hostGpuIndexes, reusable.fill(), host, held));
                continue;
            }

            double[] fills = new double[hostGpus.size()];
            for (int i = 0; i < hostGpus.size(); i++) {
                fills[i] = fill(hostGpus.get(i), residents.getOrDefault(hostGpus.get(i).uuid(), Map.of()), maxById);
            }
            double hostFill = hostGpus.isEmpty() ? 0 : Arrays.stream(fills).average().orElse(0);

            int[] hostGpuIndexes = new int[hostGpus.size()];
            for (int i = 0; i < hostGpus.size(); i++) {
                PhysicalGpu gpu = hostGpus.get(i);
                Map<String, Integer> resident = residents.containsKey(gpu.uuid())
                        ? java.util.Collections.unmodifiableMap(residents.get(gpu.uuid())) : Map.of();
                GpuHealth health = healthByGpu.getOrDefault(gpu.uuid(), GpuHealth.HEALTHY);
                boolean cordoned = cordonedGpus.contains(gpu.uuid());
                boolean eccBlocks = driverRefusesEcc && gpu.eccMode() == EccMode.ON;
                RejectionReason base = conflicts.containsKey(gpu.uuid()) ? RejectionReason.GPU_UUID_CONFLICT
                        : stale ? RejectionReason.HOST_STALE
                        : managerDown ? RejectionReason.VGPU_MANAGER_DOWN
                        : cordoned ? RejectionReason.CORDONED
                        : health != GpuHealth.HEALTHY ? RejectionReason.UNHEALTHY
                        : eccBlocks ? RejectionReason.ECC_BLOCKS_VGPU
                        : null;

                // one slot per type id (the first listing wins), in type index order
                List<VgpuTypeCapacity> listed = gpu.types();
                int[] typeIndexes = new int[listed.size()];
                VgpuTypeCapacity[] capacities = new VgpuTypeCapacity[listed.size()];
                int distinct = 0;
                for (VgpuTypeCapacity type : listed) {
                    if (!listsId(capacities, distinct, type.typeId())) {
                        int t = catalog.of(type).index();
                        int at = distinct++;
                        while (at > 0 && typeIndexes[at - 1] > t) {
                            typeIndexes[at] = typeIndexes[at - 1];
                            capacities[at] = capacities[at - 1];
                            at--;
                        }
                        typeIndexes[at] = t;
                        capacities[at] = type;
                    }
                }
                if (distinct > 255) {
                    throw new IllegalArgumentException("pGPU " + gpu.uuid() + " lists more than 255 types");
                }
                int residentTotal = 0;
                for (int n : resident.values()) {
                    residentTotal += n;
                }
                Slot[] slots = new Slot[distinct];
                Map<String, Integer> heldHere = held.getOrDefault(gpu.uuid(), Map.of());
                for (int position = 0; position < distinct; position++) {
                    slots[position] = slot(types[typeIndexes[position]], capacities[position], gpu, resident, residentTotal,
                            fills[i], hostFill, heldUnits(gpu, heldHere, capacities[position]));
                }
                int[] signatureTypeIndexes = Arrays.copyOf(typeIndexes, distinct);
                int signature = signatureIds.computeIfAbsent(new SignatureKey(signatureTypeIndexes), k -> {
                    signatureTypes.add(signatureTypeIndexes);
                    return signatureTypes.size() - 1;
                });
                int index = gpus.size();
                hostGpuIndexes[i] = index;
                gpus.add(new Gpu(index, hostIndex, i, host.hostId(), gpu.uuid(), gpu.pciBdf(), gpu.model(), gpu.memoryMib(),
                        gpu.numaNode(), gpu.eccMode(), gpu.heterogeneousMode(), health, cordoned, stale, managerDown,
                        eccBlocks, base, signature, slots, resident, fills[i], masks[i]));
            }
            hosts.add(new Host(hostIndex, host.hostId(), hostGpuIndexes, hostFill, host, held));
        }
        return index(gpus.toArray(Gpu[]::new), hosts.toArray(Host[]::new), types, typeIndexesById, signatureTypes,
                conflicts);
    }

    /**
     * pGPU UUIDs that more than one host reports (or one host twice), each with the hosts, sorted. A UUID
     * names one physical device: two hosts reporting it means a snapshot is wrong (a cloned host, a
     * simulator's fixed UUIDs, a misconfigured agent), and either could be. Those pGPUs are rejected as
     * {@link RejectionReason#GPU_UUID_CONFLICT}; every other pGPU of those hosts and the fleet is unaffected.
     */
    static Map<String, List<String>> uuidConflicts(List<HostSnapshot> sorted) {
        Map<String, List<String>> hostsByUuid = new HashMap<>();
        Map<String, List<String>> conflicts = new HashMap<>();
        for (HostSnapshot host : sorted) {
            for (PhysicalGpu gpu : host.gpus()) {
                List<String> reporters = hostsByUuid.computeIfAbsent(gpu.uuid(), u -> new ArrayList<>(1));
                reporters.add(host.hostId());
                if (reporters.size() > 1) {
                    conflicts.put(gpu.uuid(), reporters);
                }
            }
        }
        Map<String, List<String>> frozen = new HashMap<>();
        conflicts.forEach((uuid, hosts) -> frozen.put(uuid, List.copyOf(hosts)));
        return Map.copyOf(frozen);
    }

    /**
     * The previous input's host if everything its pGPUs were worked out from is unchanged: the same
     * snapshot object (the fleet view keeps it through heartbeats that report the same), staleness, NVLink
     * masks, health and cordon per pGPU, and each type at the same index of the catalog. A host with a
     * resident type its pGPU no longer lists is never reused (its fill read a fleet-wide maximum that may have
     * moved).
     */
    private static @Nullable Host reusable(PlacementInput previous, HostSnapshot host, boolean stale, long[] masks,
            Map<String, GpuHealth> healthByGpu, Set<String> cordonedGpus, TypeInfo[] types,
            Map<String, List<String>> conflicts, Map<String, Map<String, Integer>> held) {
        Integer index = previous.hostById.get(host.hostId());
        if (index == null) {
            return null;
        }
        Host was = previous.hosts[index];
        if (was.source() != host || was.gpus().length != masks.length || !was.held().equals(held)) {
            return null;
        }
        for (int i = 0; i < masks.length; i++) {
            Gpu gpu = previous.gpus[was.gpus()[i]];
            if (gpu.hostStale() != stale || gpu.nvlinkMask() != masks[i]
                    || gpu.health() != healthByGpu.getOrDefault(gpu.uuid(), GpuHealth.HEALTHY)
                    || gpu.cordoned() != cordonedGpus.contains(gpu.uuid())
                    || (gpu.baseReason() == RejectionReason.GPU_UUID_CONFLICT) != conflicts.containsKey(gpu.uuid())) {
                return null;
            }
            for (Slot slot : gpu.slots()) {
                int t = slot.type().index();
                if (t >= types.length || !types[t].equals(slot.type())) {
                    return null;
                }
            }
            for (String resident : gpu.residentByType().keySet()) {
                boolean listed = false;
                for (Slot slot : gpu.slots()) {
                    listed |= slot.type().typeId().equals(resident);
                }
                if (!listed) {
                    return null;
                }
            }
        }
        return was;
    }

    private static PlacementInput index(
            Gpu[] gpus, Host[] hosts, TypeInfo[] types, Map<String, int[]> typeIndexesById, List<int[]> signatureTypes,
            Map<String, List<String>> conflicts) {
        int reasons = RejectionReason.values().length;
        int[] baseCounts = new int[reasons];
        List<List<Integer>> baseExamples = lists(reasons);
        List<List<Integer>> signatureGpus = lists(signatureTypes.size());
        Map<String, Integer> gpuByUuid = new HashMap<>(gpus.length * 2);
        for (Gpu gpu : gpus) {
            // a conflicting UUID maps to its first pGPU (host id order); every pGPU of it is rejected anyway
            gpuByUuid.putIfAbsent(gpu.uuid(), gpu.index());
            RejectionReason base = gpu.baseReason();
            if (base != null) {
                baseCounts[base.ordinal()]++;
                addExample(baseExamples.get(base.ordinal()), gpu.index());
                continue;
            }
            signatureGpus.get(gpu.signature()).add(gpu.index());
        }
        Signature[] signatures = new Signature[signatureTypes.size()];
        for (int s = 0; s < signatures.length; s++) {
            signatures[s] = new Signature(s, signatureTypes.get(s), ints(signatureGpus.get(s)));
        }
        int[][] baseExampleArrays = new int[reasons][];
        for (int r = 0; r < reasons; r++) {
            baseExampleArrays[r] = ints(baseExamples.get(r));
        }
        Map<String, Integer> hostById = new HashMap<>(hosts.length * 2);
        for (Host host : hosts) {
            hostById.put(host.hostId(), host.index());
        }
        PlacementInput input = new PlacementInput(gpus, hosts, types, Map.copyOf(typeIndexesById), signatures, baseCounts,
                baseExampleArrays, java.util.Collections.unmodifiableMap(gpuByUuid),
                java.util.Collections.unmodifiableMap(hostById), conflicts);
        // the commonest request, one vGPU of a named type, never waits for its view
        for (int[] sameId : typeIndexesById.values()) {
            if (sameId.length == 1) {
                input.keep(PlacementView.ofOneType(input, sameId[0]));
            } else {
                java.util.BitSet matching = new java.util.BitSet();
                for (int t : sameId) {
                    matching.set(t);
                }
                input.view(new PlacementView.Key(matching, false, -1, false));
            }
        }
        return input;
    }

    /**
     * How much of a pGPU is taken: each resident type uses {@code count / maxInstances} of it (exact for a
     * homogeneous pGPU, the framebuffer share for a heterogeneous one). A type the pGPU no longer lists
     * (a full vendor-VFIO card stops listing it) takes the fleet-wide maximum, or the whole pGPU.
     */
    static double fill(PhysicalGpu gpu, Map<String, Integer> resident, Map<String, Integer> maxById) {
        double fill = 0;
        for (Map.Entry<String, Integer> entry : resident.entrySet()) {
            int max = -1;
            for (VgpuTypeCapacity type : gpu.types()) {
                if (type.typeId().equals(entry.getKey())) {
                    max = type.maxInstances();
                    break;
                }
            }
            if (max < 0) {
                max = maxById.getOrDefault(entry.getKey(), 1);
            }
            fill += max <= 0 ? 1.0 : entry.getValue() / (double) max;
        }
        return Math.min(1.0, fill);
    }

    private static boolean listsId(VgpuTypeCapacity[] capacities, int n, String typeId) {
        for (int i = 0; i < n; i++) {
            if (capacities[i].typeId().equals(typeId)) {
                return true;
            }
        }
        return false;
    }

    private static Slot slot(TypeInfo type, VgpuTypeCapacity capacity, PhysicalGpu gpu, Map<String, Integer> resident,
            int residentTotal, double gpuFill, double hostFill, int held) {
        int available = Math.max(0, capacity.availableInstances() - held);
        int here = resident.getOrDefault(capacity.typeId(), 0);
        boolean otherResident = residentTotal > here;
        RejectionReason state = !gpu.heterogeneousMode() && otherResident ? RejectionReason.OTHER_TYPE_RESIDENT
                : here >= capacity.maxInstances() ? RejectionReason.MAX_INSTANCES
                : available <= 0 ? RejectionReason.NO_CAPACITY
                : null;
        boolean oneToOne = isOneToOne(capacity.maxInstances(), capacity.framebufferMib(), gpu.memoryMib());
        double fillAfter = Math.min(1.0, gpuFill + (capacity.maxInstances() > 0 ? 1.0 / capacity.maxInstances() : 1.0));
        double pack = (residentTotal > 0 ? 4 : 0) + 2 * fillAfter + hostFill;
        double spread = 4 * (1 - gpuFill) + 2 * (1 - hostFill);
        return new Slot(type, available, here, state, oneToOne, quantise(pack), quantise(spread));
    }

    /**
     * Instances of {@code type} that the held vGPUs on a pGPU take from what its snapshot says is available:
     * on a homogeneous pGPU those of the type; on a heterogeneous one the framebuffer of all of them in units
     * of the type's framebuffer, rounded up (the claim ledger's rule).
     */
    static int heldUnits(PhysicalGpu gpu, Map<String, Integer> held, VgpuTypeCapacity type) {
        if (held.isEmpty()) {
            return 0;
        }
        if (!gpu.heterogeneousMode() || type.framebufferMib() <= 0) {
            return held.getOrDefault(type.typeId(), 0);
        }
        long framebuffer = 0;
        for (Map.Entry<String, Integer> entry : held.entrySet()) {
            long size = type.framebufferMib();
            for (VgpuTypeCapacity listed : gpu.types()) {
                if (listed.typeId().equals(entry.getKey())) {
                    size = listed.framebufferMib();
                    break;
                }
            }
            framebuffer += size * entry.getValue();
        }
        return (int) Math.min(Integer.MAX_VALUE, (framebuffer + type.framebufferMib() - 1) / type.framebufferMib());
    }

    /** A 1:1 type takes the whole pGPU: one instance at most, or a framebuffer as large as the pGPU's memory. */
    static boolean isOneToOne(int maxInstances, long framebufferMib, long memoryMib) {
        return maxInstances == 1 || (memoryMib > 0 && framebufferMib >= memoryMib);
    }

    private static long quantise(double score) {
        return Math.max(0, Math.min(MAX_SCORE_KEY, Math.round(score * SCORE_SCALE)));
    }

    /** Ascending order of this key is: higher score first, then lower pGPU index (host id, PCI address). */
    static long sortKey(long scoreKey, int gpu, int slot) {
        return ((MAX_SCORE_KEY - scoreKey) << 40) | ((long) gpu << 8) | slot;
    }

    static int gpuOf(long sortKey) {
        return (int) ((sortKey >>> 8) & 0xFFFF_FFFFL);
    }

    static int slotOf(long sortKey) {
        return (int) (sortKey & 0xFF);
    }

    private static void addExample(List<Integer> examples, int gpu) {
        if (examples.size() < PlacementInput.PRECOMPUTED_EXAMPLES) {
            examples.add(gpu);
        }
    }

    private static <T> List<List<T>> lists(int n) {
        List<List<T>> lists = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Distinct types (id with properties) in order of first sight; looked up by id, then by properties. */
    private static final class Catalog {
        final List<TypeInfo> all = new ArrayList<>();
        private final Map<String, List<TypeInfo>> byId = new HashMap<>();

        TypeInfo of(VgpuTypeCapacity type) {
            List<TypeInfo> sameId = byId.computeIfAbsent(type.typeId(), id -> new ArrayList<>(1));
            for (TypeInfo info : sameId) {
                if (info.name().equals(type.name()) && info.vgpuClass() == type.vgpuClass()
                        && info.framebufferMib() == type.framebufferMib() && info.maxInstances() == type.maxInstances()) {
                    return info;
                }
            }
            TypeInfo info = new TypeInfo(all.size(), type.typeId(), type.name(), type.vgpuClass(), type.framebufferMib(),
                    type.maxInstances());
            all.add(info);
            sameId.add(info);
            return info;
        }
    }

    /** A signature's sorted type indexes as a map key. */
    private record SignatureKey(int[] types) {
        @Override
        public boolean equals(Object other) {
            return other instanceof SignatureKey key && Arrays.equals(types, key.types);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(types);
        }

        @Override
        public String toString() {
            return Arrays.toString(types);
        }
    }
}
