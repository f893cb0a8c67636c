package io.vgpufleet.inventory.fleet;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet view as gauges: totals, per pGPU, per vGPU, per type and per host ({@link InventoryMetrics}).
 *
 * <p>Every per-entity gauge is registered once, when its pGPU, vGPU, type or host first shows, reads a value
 * this class keeps, and is removed when its entity leaves the view. {@link #refresh()} walks only the hosts
 * whose held snapshot is another object than at the last refresh (the view keeps the object through
 * heartbeats), so a change on one host costs that host's work, not a rebuild of the fleet's rows, and a scrape
 * never walks the fleet. The host's snapshot age is read at scrape time. Call {@link #refresh()} periodically
 * (the binding does, every few seconds).
 */
public final class FleetMeters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetMeters.class);

    private final FleetView fleet;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, HostMeters> hosts = new HashMap<>();
    private final Map<String, TypeMeter> types = new HashMap<>();
    private final AtomicLong vgpuTotal = new AtomicLong();
    private long refreshedVersion = -1;
    private @Nullable ScheduledExecutorService refresher;

    public FleetMeters(FleetView fleet, MeterRegistry registry, Clock clock) {
        this.fleet = fleet;
        this.registry = registry;
        this.clock = clock;
        Gauge.builder(InventoryMetrics.HOSTS, fleet, FleetView::hostCount).register(registry);
        Gauge.builder(InventoryMetrics.GPUS, fleet, FleetView::gpuCount).register(registry);
        Gauge.builder(InventoryMetrics.VGPUS, vgpuTotal, AtomicLong::get).register(registry);
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

    /** Brings the gauges of every host whose snapshot changed since the last call up to date. */
    public synchronized void refresh() {
        long version = fleet.version();
        if (version == refreshedVersion) {
            return;
        }
        Set<String> present = new HashSet<>();
        for (FleetView.HostEntry entry : fleet.hosts()) {
            present.add(entry.hostId());
            HostMeters host = hosts.computeIfAbsent(entry.hostId(), HostMeters::new);
            if (host.shown != entry.snapshot()) {
                host.show(entry.snapshot());
            }
        }
        for (Iterator<HostMeters> it = hosts.values().iterator(); it.hasNext(); ) {
            HostMeters host = it.next();
            if (!present.contains(host.hostId)) {
                host.removeAll();
                it.remove();
            }
        }
        refreshedVersion = version;
    }

    /** How many vGPUs a pGPU hosts and how much framebuffer their types take. */
    private record GpuUse(int vgpus, long framebufferMib) {}

    private static GpuUse use(PhysicalGpu gpu, List<Vgpu> gpuVgpus) {
        int count = 0;
        long framebuffer = 0;
        for (Vgpu vgpu : gpuVgpus) {
            if (vgpu.gpuUuid().equals(gpu.uuid())) {
                count++;
                framebuffer += gpu.types().stream().filter(type -> type.typeId().equals(vgpu.typeId()))
                        .mapToLong(VgpuTypeCapacity::framebufferMib).findFirst().orElse(0);
            }
        }
        return new GpuUse(count, framebuffer);
    }

    /** One host's gauges and what it adds to the per-type sums, as of the snapshot shown last. */
    private final class HostMeters {

        final String hostId;
        final Gauge age;
        @Nullable HostSnapshot shown;
        final Map<String, GpuMeters> gpus = new HashMap<>();
        final Map<VgpuKey, Gauge> vgpus = new HashMap<>();
        Map<String, Long> available = Map.of();

        HostMeters(String hostId) {
            this.hostId = hostId;
            this.age = Gauge.builder(InventoryMetrics.HOST_SNAPSHOT_AGE, fleet, view -> view.host(hostId)
                            .map(entry -> Duration.between(entry.lastSeenAt(), clock.instant()).toMillis() / 1000.0)
                            .orElse(Double.NaN))
                    .description("seconds since the host's last snapshot arrived")
                    .tags(InventoryMetrics.LABEL_HOSTNAME, hostId).register(registry);
        }

        void show(HostSnapshot snapshot) {
            Map<String, List<Vgpu>> vgpusByGpu = new HashMap<>();
            for (Vgpu vgpu : snapshot.vgpus()) {
                vgpusByGpu.computeIfAbsent(vgpu.gpuUuid(), g -> new ArrayList<>()).add(vgpu);
            }
            Set<String> gpuUuids = new HashSet<>();
            Map<String, Long> nowAvailable = new HashMap<>();
            for (PhysicalGpu gpu : snapshot.gpus()) {
                gpuUuids.add(gpu.uuid());
                GpuMeters meters = gpus.get(gpu.uuid());
                if (meters == null || !meters.model.equals(gpu.model())) {
                    if (meters != null) {
                        meters.remove();
                    }
                    meters = new GpuMeters(gpu.uuid(), hostId, gpu.model());
                    gpus.put(gpu.uuid(), meters);
                }
                GpuUse use = use(gpu, vgpusByGpu.getOrDefault(gpu.uuid(), List.of()));
                meters.vgpus.set(use.vgpus());
                meters.framebuffer.set(gpu.memoryMib());
                meters.framebufferUsed.set(use.framebufferMib());
                Set<String> counted = new HashSet<>();
                for (VgpuTypeCapacity type : gpu.types()) {
                    if (counted.add(type.typeId())) {
                        nowAvailable.merge(type.typeId(), (long) type.availableInstances(), Long::sum);
                        types.computeIfAbsent(type.typeId(), id -> new TypeMeter(id, type.name()));
                    }
                }
            }
            gpus.values().removeIf(meters -> {
                boolean gone = !gpuUuids.contains(meters.gpuUuid);
                if (gone) {
                    meters.remove();
                }
                return gone;
            });
            int vgpusBefore = vgpus.size();
            Set<VgpuKey> keys = new HashSet<>();
            for (Vgpu vgpu : snapshot.vgpus()) {
                VgpuKey key = new VgpuKey(vgpu.uuid(), vgpu.gpuUuid(), vgpu.typeId());
                keys.add(key);
                vgpus.computeIfAbsent(key, k -> Gauge.builder(InventoryMetrics.VGPU_PRESENT, () -> 1)
                        .description("1 per vGPU of the fleet")
                        .tags("vgpu_uuid", k.vgpuUuid(), InventoryMetrics.LABEL_UUID, k.gpuUuid(),
                                InventoryMetrics.LABEL_HOSTNAME, hostId, "type", k.typeId())
                        .register(registry));
            }
            vgpus.entrySet().removeIf(vgpu -> {
                boolean gone = !keys.contains(vgpu.getKey());
                if (gone) {
                    registry.remove(vgpu.getValue());
                }
                return gone;
            });
            vgpuTotal.addAndGet(vgpus.size() - vgpusBefore);
            addAvailable(nowAvailable, 1); // before taking the old away, so a type still listed keeps its gauge
            addAvailable(available, -1);
            available = nowAvailable;
            shown = snapshot;
        }

        void removeAll() {
            gpus.values().forEach(GpuMeters::remove);
            gpus.clear();
            vgpus.values().forEach(registry::remove);
            vgpuTotal.addAndGet(-vgpus.size());
            vgpus.clear();
            addAvailable(available, -1);
            available = Map.of();
            registry.remove(age);
        }
    }

    private void addAvailable(Map<String, Long> contribution, int sign) {
        contribution.forEach((typeId, instances) -> {
            TypeMeter type = types.get(typeId);
            if (type == null) {
                return;
            }
            type.available.addAndGet(sign * instances);
            type.hosts += sign;
            if (type.hosts == 0) {
                type.remove();
                types.remove(typeId);
            } else {
                type.registerIfAbsent();
            }
        });
    }

    /** The three gauges of one pGPU. */
    private final class GpuMeters {

        final String gpuUuid;
        final String model;
        final AtomicLong vgpus = new AtomicLong();
        final AtomicLong framebuffer = new AtomicLong();
        final AtomicLong framebufferUsed = new AtomicLong();
        final Gauge[] gauges;

        GpuMeters(String gpuUuid, String hostId, String model) {
            this.gpuUuid = gpuUuid;
            this.model = model;
            Tags tags = Tags.of(InventoryMetrics.LABEL_UUID, gpuUuid, InventoryMetrics.LABEL_HOSTNAME, hostId,
                    InventoryMetrics.LABEL_MODEL_NAME, model);
            gauges = new Gauge[] {
                Gauge.builder(InventoryMetrics.GPU_VGPUS, vgpus, AtomicLong::get).description("vGPUs on the pGPU")
                        .tags(tags).register(registry),
                Gauge.builder(InventoryMetrics.GPU_FRAMEBUFFER, framebuffer, AtomicLong::get)
                        .description("framebuffer of the pGPU").tags(tags).register(registry),
                Gauge.builder(InventoryMetrics.GPU_FRAMEBUFFER_USED, framebufferUsed, AtomicLong::get)
                        .description("framebuffer the pGPU's vGPUs take").tags(tags).register(registry),
            };
        }

        void remove() {
            for (Gauge gauge : gauges) {
                registry.remove(gauge);
            }
        }
    }

    /** A vGPU type's fleet-wide sum of available instances, and how many hosts list the type. */
    private final class TypeMeter {

        final String typeId;
        final String name;
        final AtomicLong available = new AtomicLong();
        int hosts;
        @Nullable Gauge gauge;

        TypeMeter(String typeId, String name) {
            this.typeId = typeId;
            this.name = name;
        }

        void registerIfAbsent() {
            if (gauge == null) {
                gauge = Gauge.builder(InventoryMetrics.TYPE_AVAILABLE, available, AtomicLong::get)
                        .description("sum of available_instances over the fleet's pGPUs")
                        .tags("type", typeId, "name", name).register(registry);
            }
        }

        void remove() {
            if (gauge != null) {
                registry.remove(gauge);
            }
        }
    }

    private record VgpuKey(String vgpuUuid, String gpuUuid, String typeId) {}
}
