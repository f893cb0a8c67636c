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
import io.vgpufleet.inventory.placement.PlacementInput.TypeIndex;
import io.vgpufleet.inventory.placement.PlacementInput.TypeInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
        List<HostSnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparing(HostSnapshot::hostId));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).hostId().equals(sorted.get(i - 1).hostId())) {
                throw new IllegalArgumentException("two snapshots for host " + sorted.get(i).hostId());
            }
        }

        Map<TypeKey, TypeInfo> catalog = new LinkedHashMap<>();
        Map<String, Integer> maxById = new HashMap<>();
        for (HostSnapshot host : sorted) {
            for (PhysicalGpu gpu : host.gpus()) {
                for (VgpuTypeCapacity type : gpu.types()) {
                    TypeKey key = new TypeKey(type);
                    catalog.computeIfAbsent(key, k -> new TypeInfo(catalog.size(), k.typeId(), k.name(), k.vgpuClass(),
                            k.framebufferMib(), k.maxInstances()));
                    maxById.putIfAbsent(type.typeId(), type.maxInstances());
                }
            }
        }
        TypeInfo[] types = catalog.values().toArray(TypeInfo[]::new);
        Map<String, List<Integer>> byId = new HashMap<>();
        for (TypeInfo type : types) {
            byId.computeIfAbsent(type.typeId(), id -> new ArrayList<>()).add(type.index());
        }
        Map<String, int[]> typeIndexesById = new HashMap<>();
        byId.forEach((id, indexes) -> typeIndexesById.put(id, indexes.stream().mapToInt(Integer::intValue).toArray()));

        Map<List<Integer>, Integer> signatureIds = new HashMap<>();
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

            double[] fills = new double[hostGpus.size()];
            for (int i = 0; i < hostGpus.size(); i++) {
                fills[i] = fill(hostGpus.get(i), residents.getOrDefault(hostGpus.get(i).uuid(), Map.of()), maxById);
            }
            double hostFill = hostGpus.isEmpty() ? 0 : Arrays.stream(fills).average().orElse(0);

            int hostIndex = hosts.size();
            int[] hostGpuIndexes = new int[hostGpus.size()];
            for (int i = 0; i < hostGpus.size(); i++) {
                PhysicalGpu gpu = hostGpus.get(i);
                Map<String, Integer> resident = Map.copyOf(residents.getOrDefault(gpu.uuid(), Map.of()));
                GpuHealth health = healthByGpu.getOrDefault(gpu.uuid(), GpuHealth.HEALTHY);
                boolean cordoned = cordonedGpus.contains(gpu.uuid());
                boolean eccBlocks = driverRefusesEcc && gpu.eccMode() == EccMode.ON;
                RejectionReason base = stale ? RejectionReason.HOST_STALE
                        : managerDown ? RejectionReason.VGPU_MANAGER_DOWN
                        : cordoned ? RejectionReason.CORDONED
                        : health != GpuHealth.HEALTHY ? RejectionReason.UNHEALTHY
                        : eccBlocks ? RejectionReason.ECC_BLOCKS_VGPU
                        : null;

                Map<Integer, VgpuTypeCapacity> byType = new java.util.TreeMap<>();
                Set<String> seenIds = new java.util.HashSet<>();
                for (VgpuTypeCapacity type : gpu.types()) {
                    if (seenIds.add(type.typeId())) {
                        byType.put(catalog.get(new TypeKey(type)).index(), type);
                    }
                }
                if (byType.size() > 255) {
                    throw new IllegalArgumentException("pGPU " + gpu.uuid() + " lists more than 255 types");
                }
                int residentTotal = resident.values().stream().mapToInt(Integer::intValue).sum();
                Slot[] slots = new Slot[byType.size()];
                int position = 0;
                for (Map.Entry<Integer, VgpuTypeCapacity> entry : byType.entrySet()) {
                    slots[position++] = slot(types[entry.getKey()], entry.getValue(), gpu, resident, residentTotal,
                            fills[i], hostFill);
                }
                List<Integer> signatureKey = List.copyOf(byType.keySet());
                int signature = signatureIds.computeIfAbsent(signatureKey, k -> {
                    signatureTypes.add(k.stream().mapToInt(Integer::intValue).toArray());
                    return signatureTypes.size() - 1;
                });
                int index = gpus.size();
                hostGpuIndexes[i] = index;
                gpus.add(new Gpu(index, hostIndex, i, host.hostId(), gpu.uuid(), gpu.pciBdf(), gpu.model(), gpu.memoryMib(),
                        gpu.numaNode(), gpu.eccMode(), gpu.heterogeneousMode(), health, cordoned, stale, managerDown,
                        eccBlocks, base, signature, slots, resident, fills[i], masks[i]));
            }
            hosts.add(new Host(hostIndex, host.hostId(), hostGpuIndexes, hostFill));
        }
        return index(gpus.toArray(Gpu[]::new), hosts.toArray(Host[]::new), types, typeIndexesById, signatureTypes);
    }

    private static PlacementInput index(
            Gpu[] gpus, Host[] hosts, TypeInfo[] types, Map<String, int[]> typeIndexesById, List<int[]> signatureTypes) {
        int reasons = RejectionReason.values().length;
        int[] baseCounts = new int[reasons];
        List<List<Integer>> baseExamples = lists(reasons);
        List<List<Integer>> signatureGpus = lists(signatureTypes.size());
        List<List<Long>> packReady = new ArrayList<>();
        List<List<Long>> spreadReady = new ArrayList<>();
        int[][] stateCounts = new int[types.length][reasons];
        List<List<List<Integer>>> stateExamples = new ArrayList<>();
        for (int t = 0; t < types.length; t++) {
            packReady.add(new ArrayList<>());
            spreadReady.add(new ArrayList<>());
            stateExamples.add(lists(reasons));
        }
        Map<String, Integer> gpuByUuid = new HashMap<>();
        for (Gpu gpu : gpus) {
            if (gpuByUuid.put(gpu.uuid(), gpu.index()) != null) {
                throw new IllegalArgumentException("pGPU " + gpu.uuid() + " is reported by two hosts");
            }
            RejectionReason base = gpu.baseReason();
            if (base != null) {
                baseCounts[base.ordinal()]++;
                addExample(baseExamples.get(base.ordinal()), gpu.index());
                continue;
            }
            signatureGpus.get(gpu.signature()).add(gpu.index());
            Slot[] slots = gpu.slots();
            for (int s = 0; s < slots.length; s++) {
                Slot slot = slots[s];
                int t = slot.type().index();
                RejectionReason state = slot.stateReason();
                if (state != null) {
                    stateCounts[t][state.ordinal()]++;
                    addExample(stateExamples.get(t).get(state.ordinal()), gpu.index());
                } else {
                    packReady.get(t).add(sortKey(slot.packKey(), gpu.index(), s));
                    spreadReady.get(t).add(sortKey(slot.spreadKey(), gpu.index(), s));
                }
            }
        }
        TypeIndex[] typeIndexes = new TypeIndex[types.length];
        for (int t = 0; t < types.length; t++) {
            int[][] examples = new int[reasons][];
            for (int r = 0; r < reasons; r++) {
                examples[r] = ints(stateExamples.get(t).get(r));
            }
            typeIndexes[t] = new TypeIndex(sorted(packReady.get(t)), sorted(spreadReady.get(t)), stateCounts[t], examples);
        }
        Signature[] signatures = new Signature[signatureTypes.size()];
        for (int s = 0; s < signatures.length; s++) {
            signatures[s] = new Signature(s, signatureTypes.get(s), ints(signatureGpus.get(s)));
        }
        int[][] baseExampleArrays = new int[reasons][];
        for (int r = 0; r < reasons; r++) {
            baseExampleArrays[r] = ints(baseExamples.get(r));
        }
        Map<String, Integer> hostById = new HashMap<>();
        for (Host host : hosts) {
            hostById.put(host.hostId(), host.index());
        }
        return new PlacementInput(gpus, hosts, types, Map.copyOf(typeIndexesById), signatures, typeIndexes, baseCounts,
                baseExampleArrays, Map.copyOf(gpuByUuid), Map.copyOf(hostById));
    }

    /**
     * How much of a pGPU is taken: each resident type uses {@code count / maxInstances} of it (exact for a
     * homogeneous pGPU, the framebuffer share for a heterogeneous one). A type the pGPU no longer lists
     * (a full vendor-VFIO card stops listing it) takes the fleet-wide maximum, or the whole pGPU.
     */
    static double fill(PhysicalGpu gpu, Map<String, Integer> resident, Map<String, Integer> maxById) {
        double fill = 0;
        for (Map.Entry<String, Integer> entry : resident.entrySet()) {
            int max = gpu.types().stream().filter(t -> t.typeId().equals(entry.getKey()))
                    .mapToInt(VgpuTypeCapacity::maxInstances).findFirst()
                    .orElse(maxById.getOrDefault(entry.getKey(), 1));
            fill += max <= 0 ? 1.0 : entry.getValue() / (double) max;
        }
        return Math.min(1.0, fill);
    }

    private static Slot slot(TypeInfo type, VgpuTypeCapacity capacity, PhysicalGpu gpu, Map<String, Integer> resident,
            int residentTotal, double gpuFill, double hostFill) {
        int here = resident.getOrDefault(capacity.typeId(), 0);
        boolean otherResident = residentTotal > here;
        RejectionReason state = !gpu.heterogeneousMode() && otherResident ? RejectionReason.OTHER_TYPE_RESIDENT
                : here >= capacity.maxInstances() ? RejectionReason.MAX_INSTANCES
                : capacity.availableInstances() <= 0 ? RejectionReason.NO_CAPACITY
                : null;
        boolean oneToOne = isOneToOne(capacity.maxInstances(), capacity.framebufferMib(), gpu.memoryMib());
        double fillAfter = Math.min(1.0, gpuFill + (capacity.maxInstances() > 0 ? 1.0 / capacity.maxInstances() : 1.0));
        double pack = (residentTotal > 0 ? 4 : 0) + 2 * fillAfter + hostFill;
        double spread = 4 * (1 - gpuFill) + 2 * (1 - hostFill);
        return new Slot(type, capacity.availableInstances(), here, state, oneToOne, quantise(pack), quantise(spread));
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

    private static long[] sorted(List<Long> values) {
        long[] array = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(array);
        return array;
    }

    private record TypeKey(String typeId, String name, VgpuClass vgpuClass, long framebufferMib, int maxInstances) {
        TypeKey(VgpuTypeCapacity type) {
            this(type.typeId(), type.name(), type.vgpuClass(), type.framebufferMib(), type.maxInstances());
        }
    }
}
