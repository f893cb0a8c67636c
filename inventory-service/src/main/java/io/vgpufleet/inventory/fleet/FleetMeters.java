package io.vgpufleet.inventory.fleet;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet view as gauges: totals, per pGPU, per vGPU, per type and per host ({@link InventoryMetrics}).
 *
 * <p>The per-entity gauges are rows of {@link MultiGauge}s, rebuilt by {@link #refresh()} only when the
 * view's version moved, so a scrape never walks the fleet and a pGPU or vGPU that left the fleet leaves the
 * scrape. The host's snapshot age is read at scrape time. Call {@link #refresh()} periodically (the binding
 * does, every few seconds).
 */
public final class FleetMeters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetMeters.class);

    private final FleetView fleet;
    private final Clock clock;
    private final MultiGauge gpuVgpus;
    private final MultiGauge gpuFramebuffer;
    private final MultiGauge gpuFramebufferUsed;
    private final MultiGauge vgpuPresent;
    private final MultiGauge typeAvailable;
    private final MultiGauge hostAge;
    private volatile Totals totals = new Totals(0);
    private long refreshedVersion = -1;
    private @Nullable ScheduledExecutorService refresher;

    public FleetMeters(FleetView fleet, MeterRegistry registry, Clock clock) {
        this.fleet = fleet;
        this.clock = clock;
        Gauge.builder(InventoryMetrics.HOSTS, fleet, FleetView::hostCount).register(registry);
        Gauge.builder(InventoryMetrics.GPUS, fleet, FleetView::gpuCount).register(registry);
        Gauge.builder(InventoryMetrics.VGPUS, this, meters -> meters.totals.vgpus()).register(registry);
        gpuVgpus = MultiGauge.builder(InventoryMetrics.GPU_VGPUS).description("vGPUs on the pGPU").register(registry);
        gpuFramebuffer = MultiGauge.builder(InventoryMetrics.GPU_FRAMEBUFFER)
                .description("framebuffer of the pGPU").register(registry);
        gpuFramebufferUsed = MultiGauge.builder(InventoryMetrics.GPU_FRAMEBUFFER_USED)
                .description("framebuffer the pGPU's vGPUs take").register(registry);
        vgpuPresent = MultiGauge.builder(InventoryMetrics.VGPU_PRESENT).description("1 per vGPU of the fleet")
                .register(registry);
        typeAvailable = MultiGauge.builder(InventoryMetrics.TYPE_AVAILABLE)
                .description("sum of available_instances over the fleet's pGPUs").register(registry);
        hostAge = MultiGauge.builder(InventoryMetrics.HOST_SNAPSHOT_AGE)
                .description("seconds since the host's last snapshot arrived").register(registry);
    }

    /** Calls {@link #refresh()} now and then every {@code interval} on a daemon thread, until {@link #close()}. */
    public synchronized void refreshEvery(Duration interval) {
        if (refresher != null) {
            throw new IllegalStateException("already refreshing");
        }
        refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fleet-meters-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                log.warn("refreshing the fleet gauges failed; trying again: {}", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }

    /** Rebuilds the per-entity rows if the fleet view changed since the last call. */
    public synchronized void refresh() {
        long version = fleet.version();
        if (version == refreshedVersion) {
            return;
        }
        List<FleetView.HostEntry> hosts = fleet.hosts();
        List<MultiGauge.Row<?>> vgpus = new ArrayList<>();
        List<MultiGauge.Row<?>> perGpuVgpus = new ArrayList<>();
        List<MultiGauge.Row<?>> framebuffer = new ArrayList<>();
        List<MultiGauge.Row<?>> framebufferUsed = new ArrayList<>();
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        Map<String, long[]> available = new TreeMap<>();
        Map<String, String> typeNames = new TreeMap<>();
        int vgpuCount = 0;
        for (FleetView.HostEntry host : hosts) {
            String hostId = host.snapshot().hostId();
            ages.add(MultiGauge.Row.of(Tags.of(InventoryMetrics.LABEL_HOSTNAME, hostId), fleet,
                    view -> view.host(hostId)
                            .map(entry -> Duration.between(entry.lastSeenAt(), clock.instant()).toMillis() / 1000.0)
                            .orElse(Double.NaN)));
            for (PhysicalGpu gpu : host.snapshot().gpus()) {
                Tags tags = Tags.of(InventoryMetrics.LABEL_UUID, gpu.uuid(), InventoryMetrics.LABEL_HOSTNAME, hostId,
                        InventoryMetrics.LABEL_MODEL_NAME, gpu.model());
                GpuUse use = use(gpu, host.snapshot().vgpus());
                perGpuVgpus.add(MultiGauge.Row.of(tags, use.vgpus()));
                framebuffer.add(MultiGauge.Row.of(tags, gpu.memoryMib()));
                framebufferUsed.add(MultiGauge.Row.of(tags, use.framebufferMib()));
                for (VgpuTypeCapacity type : gpu.types()) {
                    available.computeIfAbsent(type.typeId(), id -> new long[1])[0] += type.availableInstances();
                    typeNames.putIfAbsent(type.typeId(), type.name());
                }
            }
            for (Vgpu vgpu : host.snapshot().vgpus()) {
                vgpuCount++;
                vgpus.add(MultiGauge.Row.of(Tags.of("vgpu_uuid", vgpu.uuid(), InventoryMetrics.LABEL_UUID,
                        vgpu.gpuUuid(), InventoryMetrics.LABEL_HOSTNAME, hostId, "type", vgpu.typeId()), 1));
            }
        }
        List<MultiGauge.Row<?>> types = new ArrayList<>();
        available.forEach((typeId, sum) -> types.add(
                MultiGauge.Row.of(Tags.of("type", typeId, "name", typeNames.get(typeId)), sum[0])));
        gpuVgpus.register(perGpuVgpus, true);
        gpuFramebuffer.register(framebuffer, true);
        gpuFramebufferUsed.register(framebufferUsed, true);
        vgpuPresent.register(vgpus, true);
        typeAvailable.register(types, true);
        hostAge.register(ages, true);
        totals = new Totals(vgpuCount);
        refreshedVersion = version;
    }

    /** How many vGPUs a pGPU hosts and how much framebuffer their types take. */
    record GpuUse(int vgpus, long framebufferMib) {}

    static GpuUse use(PhysicalGpu gpu, List<Vgpu> hostVgpus) {
        int count = 0;
        long framebuffer = 0;
        for (Vgpu vgpu : hostVgpus) {
            if (vgpu.gpuUuid().equals(gpu.uuid())) {
                count++;
                framebuffer += gpu.types().stream().filter(type -> type.typeId().equals(vgpu.typeId()))
                        .mapToLong(VgpuTypeCapacity::framebufferMib).findFirst().orElse(0);
            }
        }
        return new GpuUse(count, framebuffer);
    }

    private record Totals(int vgpus) {}
}
