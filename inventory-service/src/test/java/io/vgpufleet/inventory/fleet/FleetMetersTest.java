package io.vgpufleet.inventory.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fleet view as Prometheus series: per pGPU, per vGPU, per type and per host, following the view. */
class FleetMetersTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String GPU_A = "GPU-00000001-0000-4000-8000-00000000000a";
    private static final String GPU_B = "GPU-00000001-0000-4000-8000-00000000000b";
    private static final String VGPU_1 = "98d19132-f8f0-4d19-8743-9efa23e6c491";
    private static final String VGPU_2 = "98d19132-f8f0-4d19-8743-9efa23e6c492";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FleetView fleet = new FleetView();
    private final FleetMeters meters = new FleetMeters(fleet, registry, Clock.fixed(T0.plusSeconds(42), ZoneOffset.UTC));

    @Test
    void perPgpuGaugesCountItsVgpusAndTheFramebufferTheirTypesTake() {
        fleet.apply(snapshot("h1", 1, List.of(vgpu(VGPU_1, GPU_A), vgpu(VGPU_2, GPU_A))), T0);

        meters.refresh();

        String scrape = registry.scrape();
        String a = "{Hostname=\"h1\",UUID=\"" + GPU_A + "\",modelName=\"Tesla T4\"}";
        String b = "{Hostname=\"h1\",UUID=\"" + GPU_B + "\",modelName=\"Tesla T4\"}";
        assertThat(scrape).contains("vgpu_inventory_gpu_vgpus" + a + " 2.0")
                .contains("vgpu_inventory_gpu_vgpus" + b + " 0.0")
                .contains("vgpu_inventory_gpu_framebuffer_used_mib" + a + " 8192.0")
                .contains("vgpu_inventory_gpu_framebuffer_mib" + a + " 16384.0")
                .contains("vgpu_inventory_vgpus 2.0")
                .contains("vgpu_inventory_hosts 1.0")
                .contains("vgpu_inventory_gpus 2.0")
                .contains("vgpu_inventory_vgpu_present{Hostname=\"h1\",UUID=\"" + GPU_A + "\",type=\"nvidia-222\",vgpu_uuid=\""
                        + VGPU_1 + "\"} 1.0")
                .contains("vgpu_inventory_type_available_instances{name=\"GRID T4-4Q\",type=\"nvidia-222\"} 2.0")
                .contains("vgpu_inventory_host_snapshot_age_seconds{Hostname=\"h1\"} 42.0");
    }

    @Test
    void aVgpuThatWentAwayLeavesTheScrapeAtTheNextRefresh() {
        fleet.apply(snapshot("h1", 1, List.of(vgpu(VGPU_1, GPU_A), vgpu(VGPU_2, GPU_B))), T0);
        meters.refresh();
        assertThat(registry.scrape()).contains(VGPU_2);

        fleet.apply(snapshot("h1", 2, List.of(vgpu(VGPU_1, GPU_A))), T0.plusSeconds(1));
        meters.refresh();

        assertThat(registry.scrape()).contains(VGPU_1).doesNotContain(VGPU_2).contains("vgpu_inventory_vgpus 1.0");
    }

    @Test
    void aChangeOnOneHostLeavesTheOtherHostsGaugesAsTheyAre() {
        fleet.apply(snapshot("h1", 1, List.of()), T0);
        fleet.apply(snapshot("h2", 1, List.of()), T0);
        meters.refresh();
        Gauge h2 = gauge(InventoryMetrics.GPU_VGPUS, "h2");
        Gauge h1 = gauge(InventoryMetrics.GPU_VGPUS, "h1");

        fleet.apply(snapshot("h1", 2, List.of(vgpu(VGPU_1, GPU_A))), T0.plusSeconds(2));
        meters.refresh();

        assertThat(gauge(InventoryMetrics.GPU_VGPUS, "h2")).as("h2's gauge, not a new one").isSameAs(h2);
        assertThat(gauge(InventoryMetrics.GPU_VGPUS, "h1")).isSameAs(h1);
        assertThat(h1.value()).isEqualTo(1.0);
        assertThat(registry.scrape()).contains("vgpu_inventory_vgpus 1.0")
                .contains("vgpu_inventory_type_available_instances{name=\"GRID T4-4Q\",type=\"nvidia-222\"} 4.0");
    }

    @Test
    void aHeartbeatTouchesNoGauge() {
        fleet.apply(snapshot("h1", 1, List.of(vgpu(VGPU_1, GPU_A))), T0);
        meters.refresh();
        int meterCount = registry.getMeters().size();
        Gauge before = gauge(InventoryMetrics.GPU_VGPUS, "h1");

        fleet.apply(snapshot("h1", 2, List.of(vgpu(VGPU_1, GPU_A))), T0.plusSeconds(2));
        meters.refresh();

        assertThat(gauge(InventoryMetrics.GPU_VGPUS, "h1")).isSameAs(before);
        assertThat(registry.getMeters()).hasSize(meterCount);
        assertThat(registry.scrape()).contains("vgpu_inventory_vgpus 1.0");
    }

    @Test
    void aTypeNoPgpuListsAnyMoreLeavesTheScrape() {
        fleet.apply(snapshot("h1", 1, List.of()), T0);
        meters.refresh();
        assertThat(registry.scrape()).contains("type=\"nvidia-222\"");

        fleet.apply(new HostSnapshot("h1", 2, T0.plusSeconds(2), "test", HostKind.MDEV,
                new VgpuManagerStatus(true, null, List.of()), List.of(), List.of()), T0.plusSeconds(2));
        meters.refresh();

        assertThat(registry.scrape()).doesNotContain("type=\"nvidia-222\"").doesNotContain(GPU_A)
                .contains("vgpu_inventory_host_snapshot_age_seconds{Hostname=\"h1\"}");
    }

    private Gauge gauge(String name, String host) {
        return registry.get(name).tags(InventoryMetrics.LABEL_HOSTNAME, host, InventoryMetrics.LABEL_UUID, GPU_A).gauge();
    }

    private static Vgpu vgpu(String uuid, String gpu) {
        return new Vgpu(uuid, gpu, "nvidia-222", null, null, Map.of(), null);
    }

    private static HostSnapshot snapshot(String hostId, long sequence, List<Vgpu> vgpus) {
        VgpuTypeCapacity type = new VgpuTypeCapacity("nvidia-222", "GRID T4-4Q", VgpuClass.Q, 4096, 4, 1, 1, 60,
                "4096x2160", "vfio-pci", null);
        PhysicalGpu a = gpu(GPU_A, "0000:3b:00.0", type);
        PhysicalGpu b = gpu(GPU_B, "0000:af:00.0", type);
        return new HostSnapshot(hostId, sequence, T0.plusSeconds(sequence), "test", HostKind.MDEV,
                new VgpuManagerStatus(true, null, List.of()), List.of(a, b), vgpus);
    }

    private static PhysicalGpu gpu(String uuid, String bdf, VgpuTypeCapacity type) {
        return new PhysicalGpu(uuid, bdf, "Tesla T4", 16384, 0, "0-7", EccMode.ON, HostKind.MDEV, false,
                NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), List.of(type), List.of());
    }
}
