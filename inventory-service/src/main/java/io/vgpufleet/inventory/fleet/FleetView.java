package io.vgpufleet.inventory.fleet;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest snapshot of every host, as read from the compacted host-snapshot topic. Pure state: the
 * Kafka binding feeds it, the REST API reads it. Rebuilt from the topic's beginning at every start
 * (the topic keeps the latest snapshot per host), so a restart loses nothing.
 *
 * <p>A snapshot older than the one held for its host is ignored, so a replay or a late duplicate never
 * moves a host back in time.
 */
public final class FleetView {

    private final Map<String, HostEntry> hosts = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong heard = new AtomicLong();

    /**
     * What a host last reported and when this service last heard from it.
     *
     * @param snapshot the snapshot that first said what the host reports now: a heartbeat that says the same
     *     leaves this very object in place, so a reader can tell "nothing changed" by identity
     * @param heardSequence the sequence of the latest snapshot heard from the host (heartbeats included)
     * @param heardObservedAt when the agent took that latest snapshot
     * @param lastSeenAt when this service received it
     */
    public record HostEntry(HostSnapshot snapshot, long heardSequence, Instant heardObservedAt, Instant lastSeenAt) {

        static HostEntry of(HostSnapshot snapshot, Instant receivedAt) {
            return new HostEntry(snapshot, snapshot.sequence(), snapshot.observedAt(), receivedAt);
        }

        public String hostId() {
            return snapshot.hostId();
        }

        HostEntry heardAgain(HostSnapshot heartbeat, Instant receivedAt) {
            return new HostEntry(snapshot, heartbeat.sequence(), heartbeat.observedAt(), receivedAt);
        }

        /** Whether {@code candidate} was taken before the latest snapshot heard from this host. */
        boolean isNewerThan(HostSnapshot candidate) {
            int byTime = candidate.observedAt().compareTo(heardObservedAt);
            return byTime < 0 || (byTime == 0 && candidate.sequence() < heardSequence);
        }
    }

    /**
     * Takes a snapshot in; answers whether it was taken (false for one older than the latest heard from its
     * host). A snapshot that reports what the held one reports (a heartbeat) keeps the held snapshot object
     * and moves only the entry's heard sequence, time and {@code lastSeenAt}: the new copy is left to the
     * young generation, and whatever was built from the held object stays valid.
     */
    public boolean apply(HostSnapshot snapshot, Instant receivedAt) {
        boolean[] applied = {false};
        boolean[] changed = {false};
        hosts.compute(snapshot.hostId(), (id, held) -> {
            if (held != null && held.isNewerThan(snapshot)) {
                return held;
            }
            applied[0] = true;
            if (held != null && held.snapshot().reportsSameAs(snapshot)) {
                return held.heardAgain(snapshot, receivedAt);
            }
            changed[0] = true;
            return HostEntry.of(snapshot, receivedAt);
        });
        if (applied[0]) {
            heard.incrementAndGet();
        }
        if (changed[0]) {
            version.incrementAndGet();
        }
        return applied[0];
    }

    /**
     * Rises with every snapshot taken in that changed what a host reports (not with a heartbeat, which only
     * moves its entry's heard sequence, time and {@code lastSeenAt}), so a reader that built something from
     * the view can tell cheaply whether to build it again. Read it before reading the hosts: a change that
     * lands in between then shows as a newer version next time.
     */
    public long version() {
        return version.get();
    }

    /** Rises with every snapshot taken in, heartbeats included: for readers that depend on {@code lastSeenAt}. */
    public long heardVersion() {
        return heard.get();
    }

    /** How many hosts the view holds; for gauges, without building a list per scrape. */
    public int hostCount() {
        return hosts.size();
    }

    /** How many pGPUs the view holds; for gauges, without building a list per scrape. */
    public int gpuCount() {
        return hosts.values().stream().mapToInt(entry -> entry.snapshot().gpus().size()).sum();
    }

    /** Hosts ordered by host id. */
    public List<HostEntry> hosts() {
        return hosts.values().stream()
                .sorted(Comparator.comparing(entry -> entry.snapshot().hostId()))
                .toList();
    }

    public Optional<HostEntry> host(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    /** Every pGPU of the fleet with its host, ordered by host id then PCI address. */
    public List<GpuEntry> gpus() {
        return hosts().stream()
                .flatMap(host -> host.snapshot().gpus().stream()
                        .sorted(Comparator.comparing(PhysicalGpu::pciBdf))
                        .map(gpu -> new GpuEntry(host, gpu)))
                .toList();
    }

    public Optional<GpuEntry> gpu(String gpuUuid) {
        return hosts.values().stream()
                .flatMap(host -> host.snapshot().gpus().stream()
                        .filter(gpu -> gpu.uuid().equals(gpuUuid))
                        .map(gpu -> new GpuEntry(host, gpu)))
                .findFirst();
    }

    /** A pGPU with the host it is in. */
    public record GpuEntry(HostEntry host, PhysicalGpu gpu) {

        public List<Vgpu> vgpus() {
            return host.snapshot().vgpus().stream()
                    .filter(vgpu -> vgpu.gpuUuid().equals(gpu.uuid()))
                    .toList();
        }
    }
}
