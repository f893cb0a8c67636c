package io.vgpufleet.migration;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.migration.fleet.Fleet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Host snapshots for the pure tests: P4 hosts with one pGPU each, type nvidia-289 (GRID P4-8C, 8 GiB). */
public final class FleetFixtures {

    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    public static final String TYPE = "nvidia-289";
    public static final String VERSION = "nvidia-vgpu-migration-v1 branch=550 type=nvidia-289";
    public static final String VM = "vm-7";
    public static final String SOURCE_VGPU = "a1b2c3d4-0000-4000-8000-000000000001";

    private FleetFixtures() {}

    public static String gpuOf(String hostId) {
        int n = Math.abs(hostId.hashCode()) % 100000;
        return String.format("GPU-%08d-0000-4000-8000-000000000000", n);
    }

    public static String bdfOf(String hostId) {
        return "0000:3b:00.0";
    }

    /** A P4 host whose one pGPU has {@code free} instances of nvidia-289 left, the given vGPUs and driver. */
    public static HostSnapshot host(String hostId, int free, String driver, EccMode ecc, String model, HostKind kind,
            List<Vgpu> vgpus) {
        PhysicalGpu gpu = new PhysicalGpu(gpuOf(hostId), bdfOf(hostId), model, 7680, 0, "0-15", ecc, kind, false,
                new NvmlFacts(NvmlFacts.AVAILABLE, "HOST_VGPU", "NON_SRIOV"),
                List.of(new VgpuTypeCapacity(TYPE, "GRID P4-8C", VgpuClass.C, 8192, 1, free, 1, 60, "4096x2160",
                        "vfio-pci", VERSION)),
                List.of());
        return new HostSnapshot(hostId, 1, T0, "0.1.0", kind, new VgpuManagerStatus(true, driver, List.of()),
                List.of(gpu), vgpus);
    }

    public static HostSnapshot target(String hostId) {
        return host(hostId, 1, "550.90.05", EccMode.OFF, "Tesla P4", HostKind.MDEV, List.of());
    }

    public static HostSnapshot source(String hostId) {
        return host(hostId, 0, "550.90.05", EccMode.OFF, "Tesla P4", HostKind.MDEV,
                List.of(new Vgpu(SOURCE_VGPU, gpuOf(hostId), TYPE, null, VM, Map.of(), VERSION, null, "c2ltLW1ldGE=")));
    }

    /** A target whose snapshot shows a vGPU held by a VM. */
    public static HostSnapshot holding(String hostId, String vgpuUuid, String vmId) {
        return host(hostId, 0, "550.90.05", EccMode.OFF, "Tesla P4", HostKind.MDEV,
                List.of(new Vgpu(vgpuUuid, gpuOf(hostId), TYPE, null, vmId, Map.of(), VERSION)));
    }

    /** The same snapshot, observed at another time (an agent that stopped reporting left its last one). */
    public static HostSnapshot observedAt(HostSnapshot snapshot, Instant at) {
        return new HostSnapshot(snapshot.hostId(), snapshot.sequence(), at, snapshot.agentVersion(), snapshot.hostKind(),
                snapshot.vgpuManager(), snapshot.gpus(), snapshot.vgpus());
    }

    /** A mutable fleet for tests. */
    public static final class TestFleet implements Fleet {
        public final Map<String, HostSnapshot> hosts = new LinkedHashMap<>();
        public final Set<String> unhealthy = new HashSet<>();
        public final Map<String, Integer> inbound = new HashMap<>();

        public TestFleet with(HostSnapshot... snapshots) {
            for (HostSnapshot snapshot : snapshots) {
                hosts.put(snapshot.hostId(), snapshot);
            }
            return this;
        }

        @Override
        public Optional<HostSnapshot> host(String hostId) {
            return Optional.ofNullable(hosts.get(hostId));
        }

        @Override
        public Collection<HostSnapshot> hosts() {
            return new ArrayList<>(hosts.values());
        }

        @Override
        public boolean healthy(String gpuUuid) {
            return !unhealthy.contains(gpuUuid);
        }

        @Override
        public int migrationsInto(String hostId) {
            return inbound.getOrDefault(hostId, 0);
        }
    }
}
