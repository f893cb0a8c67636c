package io.vgpufleet.inventory.placement;

import io.vgpufleet.contracts.health.GpuHealth;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-built fleets for placement tests and the benchmark: hosts of real GPU models with vGPUs resident. */
final class TestFleet {

    record TypeSpec(String typeId, String name, VgpuClass vgpuClass, long framebufferMib, int maxInstances) {}

    record Model(String name, long memoryMib, List<TypeSpec> types) {}

    static final Model P4 = new Model("Tesla P4", 8192, List.of(
            new TypeSpec("nvidia-63", "GRID P4-1Q", VgpuClass.Q, 1024, 8),
            new TypeSpec("nvidia-64", "GRID P4-2Q", VgpuClass.Q, 2048, 4),
            new TypeSpec("nvidia-65", "GRID P4-4Q", VgpuClass.Q, 4096, 2),
            new TypeSpec("nvidia-66", "GRID P4-8Q", VgpuClass.Q, 8192, 1),
            new TypeSpec("nvidia-287", "GRID P4-4C", VgpuClass.C, 4096, 2),
            new TypeSpec("nvidia-289", "GRID P4-8C", VgpuClass.C, 8192, 1)));

    static final Model T4 = new Model("Tesla T4", 16384, List.of(
            new TypeSpec("nvidia-222", "GRID T4-1B", VgpuClass.B, 1024, 16),
            new TypeSpec("nvidia-228", "GRID T4-8A", VgpuClass.A, 8192, 2),
            new TypeSpec("nvidia-230", "GRID T4-1Q", VgpuClass.Q, 1024, 16),
            new TypeSpec("nvidia-231", "GRID T4-2Q", VgpuClass.Q, 2048, 8),
            new TypeSpec("nvidia-232", "GRID T4-4Q", VgpuClass.Q, 4096, 4),
            new TypeSpec("nvidia-233", "GRID T4-8Q", VgpuClass.Q, 8192, 2),
            new TypeSpec("nvidia-234", "GRID T4-16Q", VgpuClass.Q, 16384, 1),
            new TypeSpec("nvidia-319", "GRID T4-4C", VgpuClass.C, 4096, 4),
            new TypeSpec("nvidia-320", "GRID T4-8C", VgpuClass.C, 8192, 2),
            new TypeSpec("nvidia-321", "GRID T4-16C", VgpuClass.C, 16384, 1)));

    static final Model A100 = new Model("NVIDIA A100-PCIE-40GB", 40960, List.of(
            new TypeSpec("nvidia-471", "GRID A100-4C", VgpuClass.C, 4096, 10),
            new TypeSpec("nvidia-472", "GRID A100-5C", VgpuClass.C, 5120, 8),
            new TypeSpec("nvidia-473", "GRID A100-8C", VgpuClass.C, 8192, 5),
            new TypeSpec("nvidia-474", "GRID A100-10C", VgpuClass.C, 10240, 4),
            new TypeSpec("nvidia-475", "GRID A100-20C", VgpuClass.C, 20480, 2),
            new TypeSpec("nvidia-476", "GRID A100-40C", VgpuClass.C, 40960, 1)));

    static final Model H100 = new Model("NVIDIA H100 80GB HBM3", 81920, List.of(
            new TypeSpec("nvidia-1049", "NVIDIA H100XM-10C", VgpuClass.C, 10240, 8),
            new TypeSpec("nvidia-1050", "NVIDIA H100XM-20C", VgpuClass.C, 20480, 4),
            new TypeSpec("nvidia-1051", "NVIDIA H100XM-40C", VgpuClass.C, 40960, 2),
            new TypeSpec("nvidia-1052", "NVIDIA H100XM-80C", VgpuClass.C, 81920, 1),
            new TypeSpec("nvidia-1060", "NVIDIA H100XM-20Q", VgpuClass.Q, 20480, 4),
            new TypeSpec("nvidia-1062", "NVIDIA H100XM-80Q", VgpuClass.Q, 81920, 1)));

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final List<HostSpec> hosts = new ArrayList<>();
    final Map<String, GpuHealth> health = new HashMap<>();
    final Set<String> cordoned = new HashSet<>();
    final Set<String> stale = new HashSet<>();
    final Map<String, List<NvlinkLink>> nvlink = new HashMap<>();
    private int gpuSerial;
    private int vgpuSerial;

    /** The host with this id, added on first mention. */
    HostSpec host(String hostId) {
        for (HostSpec held : hosts) {
            if (held.hostId.equals(hostId)) {
                return held;
            }
        }
        HostSpec host = new HostSpec(hostId);
        hosts.add(host);
        return host;
    }

    PlacementInput input() {
        return PlacementInputs.from(snapshots(), health, cordoned, stale, nvlink);
    }

    List<HostSnapshot> snapshots() {
        return hosts.stream().map(HostSpec::snapshot).toList();
    }

    /** A heartbeat of {@code held}: a new snapshot object with new lists of the same pGPUs and vGPUs, seconds later. */
    static HostSnapshot heartbeatOf(HostSnapshot held, long seconds) {
        return new HostSnapshot(held.hostId(), held.sequence() + 1, held.observedAt().plusSeconds(seconds),
                held.agentVersion(), held.hostKind(), held.vgpuManager(), List.copyOf(new ArrayList<>(held.gpus())),
                List.copyOf(new ArrayList<>(held.vgpus())));
    }

    static String gpuUuid(int n) {
        return String.format("GPU-%08x-0000-4000-8000-%012x", n, n);
    }

    final class HostSpec {
        final String hostId;
        final List<GpuSpec> gpus = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        boolean running = true;

        HostSpec(String hostId) {
            this.hostId = hostId;
        }

        GpuSpec gpu(Model model) {
            GpuSpec gpu = new GpuSpec(this, model, gpuUuid(++gpuSerial), String.format("0000:%02x:00.0", 0x10 + gpus.size()));
            gpus.add(gpu);
            return gpu;
        }

        /** Adds {@code n} pGPUs of the model, all pairwise NVLink-linked when {@code nvswitch}. */
        HostSpec gpus(Model model, int n, boolean nvswitch) {
            List<GpuSpec> added = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                added.add(gpu(model).numa(i < n / 2 ? 0 : 1));
            }
            if (nvswitch) {
                for (int i = 0; i < added.size(); i++) {
                    for (int j = i + 1; j < added.size(); j++) {
                        link(added.get(i), added.get(j));
                    }
                }
            }
            return this;
        }

        HostSpec link(GpuSpec a, GpuSpec b) {
            nvlink.computeIfAbsent(hostId, h -> new ArrayList<>()).add(NvlinkLink.of(a.uuid, b.uuid));
            return this;
        }

        HostSpec problem(String text) {
            problems.add(text);
            return this;
        }

        HostSnapshot snapshot() {
            List<PhysicalGpu> physical = new ArrayList<>();
            List<Vgpu> vgpus = new ArrayList<>();
            for (GpuSpec gpu : gpus) {
                physical.add(gpu.physical());
                gpu.residents.forEach((typeId, n) -> {
                    for (int i = 0; i < n; i++) {
                        int serial = ++vgpuSerial;
                        vgpus.add(new Vgpu(String.format("%08x-0000-4000-8000-%012x", serial, serial), gpu.uuid, typeId, null,
                                "vm-" + serial, Map.of(), null));
                    }
                });
            }
            return new HostSnapshot(hostId, 1, T0, "test", HostKind.MDEV,
                    new VgpuManagerStatus(running, "550.54.16", problems), physical, vgpus);
        }
    }

    static final class GpuSpec {
        final HostSpec host;
        final Model model;
        final String uuid;
        final String pciBdf;
        int numaNode;
        EccMode ecc = EccMode.OFF;
        boolean heterogeneous;
        final Map<String, Integer> residents = new LinkedHashMap<>();

        GpuSpec(HostSpec host, Model model, String uuid, String pciBdf) {
            this.host = host;
            this.model = model;
            this.uuid = uuid;
            this.pciBdf = pciBdf;
        }

        GpuSpec with(String typeId, int n) {
            residents.merge(typeId, n, Integer::sum);
            return this;
        }

        GpuSpec numa(int node) {
            numaNode = node;
            return this;
        }

        GpuSpec ecc(EccMode mode) {
            ecc = mode;
            return this;
        }

        GpuSpec heterogeneous() {
            heterogeneous = true;
            return this;
        }

        /** What the driver would report: homogeneous pGPUs offer only the resident type; capacity follows framebuffer. */
        PhysicalGpu physical() {
            long usedFb = 0;
            for (TypeSpec type : model.types()) {
                usedFb += type.framebufferMib() * residents.getOrDefault(type.typeId(), 0);
            }
            List<VgpuTypeCapacity> capacities = new ArrayList<>();
            for (TypeSpec type : model.types()) {
                int here = residents.getOrDefault(type.typeId(), 0);
                boolean other = residents.entrySet().stream().anyMatch(e -> !e.getKey().equals(type.typeId()) && e.getValue() > 0);
                long byMemory = Math.max(0, (model.memoryMib() - usedFb) / type.framebufferMib());
                int available = (!heterogeneous && other) ? 0
                        : (int) Math.max(0, Math.min(type.maxInstances() - here, byMemory));
                capacities.add(new VgpuTypeCapacity(type.typeId(), type.name(), type.vgpuClass(), type.framebufferMib(),
                        type.maxInstances(), available, 1, 60, "4096x2160", "vfio-pci", null));
            }
            return new PhysicalGpu(uuid, pciBdf, model.name(), model.memoryMib(), numaNode, "0-15", ecc, HostKind.MDEV,
                    heterogeneous, NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), capacities, List.of());
        }
    }
}
