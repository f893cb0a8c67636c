package io.vgpufleet.inventory.placement.api;

import io.vgpufleet.inventory.placement.FleetConditions;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.inventory.placement.FragmentationReport;
import io.vgpufleet.inventory.placement.HeldCapacity;
import io.vgpufleet.inventory.placement.PlacementInput;
import io.vgpufleet.inventory.placement.PlacementInputs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PlacementInput} for the fleet as it is now, built from the {@link FleetView} when the view
 * or the {@link FleetConditions} change, when a host goes stale or a stale host reports again, and never per
 * request. A heartbeat that changes nothing a host reports builds nothing.
 *
 * <p>The first call builds on the caller's thread. After that a call always answers at once with the
 * input held; if that input is out of date (and at least {@code minRebuildInterval} old) it also starts
 * one rebuild on the executor, which reuses the previous input's work for every host whose snapshot
 * has not changed and carries the request shapes in use over to the new input before publishing it. So a fleet that changes every millisecond costs one rebuild per interval, and a
 * request waits for none.
 *
 * <p>A host is stale when this service has not heard from it for {@code staleAfter}
 * ({@code vgpu.inventory.stale-after}): its {@code lastSeenAt} is that old or older.
 */
public final class PlacementInputSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PlacementInputSource.class);

    /** An input and what it was built from. */
    public record Built(PlacementInput input, long fleetVersion, long conditionsVersion, long heldVersion, Instant builtAt,
            Instant nextStaleAt, StaleHosts staleHosts, AtomicReference<@Nullable FragmentationReport> capacity) {

        /** The fragmentation report of this input, worked out on first use. */
        public FragmentationReport capacityReport() {
            FragmentationReport report = capacity.get();
            if (report == null) {
                report = FragmentationReport.of(input);
                capacity.compareAndSet(null, report);
            }
            return report;
        }
    }

    private final FleetView fleet;
    private final FleetConditions conditions;
    private final HeldCapacity heldCapacity;
    private final Clock clock;
    private final Duration staleAfter;
    private final Duration minRebuildInterval;
    private final Executor rebuilds;
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private volatile @Nullable Built held;

    public PlacementInputSource(FleetView fleet, FleetConditions conditions, Clock clock, Duration staleAfter,
            Duration minRebuildInterval, Executor rebuilds) {
        this(fleet, conditions, HeldCapacity.NONE, clock, staleAfter, minRebuildInterval, rebuilds);
    }

    /**
     * As above, with the capacity claims hold ({@code held}, the claim directory): the input counts their
     * vGPUs that the snapshots do not show yet, and is rebuilt when they change.
     */
    public PlacementInputSource(FleetView fleet, FleetConditions conditions, HeldCapacity held, Clock clock,
            Duration staleAfter, Duration minRebuildInterval, Executor rebuilds) {
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter must be positive, was " + staleAfter);
        }
        if (minRebuildInterval.isNegative()) {
            throw new IllegalArgumentException("minRebuildInterval must not be negative, was " + minRebuildInterval);
        }
        this.fleet = fleet;
        this.conditions = conditions;
        this.heldCapacity = held;
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.minRebuildInterval = minRebuildInterval;
        this.rebuilds = rebuilds;
    }

    /** The input to answer a request with: the newest built, never older than one rebuild behind. */
    public Built current() {
        Built now = held;
        if (now == null) {
            synchronized (this) {
                now = held;
                if (now == null) {
                    now = build(null);
                    held = now;
                }
            }
            return now;
        }
        Instant at = clock.instant();
        if (outOfDate(now, at) && !at.isBefore(now.builtAt().plus(minRebuildInterval))
                && rebuilding.compareAndSet(false, true)) {
            Built previous = now;
            try {
                rebuilds.execute(() -> {
                    try {
                        held = build(previous);
                    } finally {
                        rebuilding.set(false);
                    }
                });
            } catch (RuntimeException refused) {
                rebuilding.set(false);
                throw refused;
            }
        }
        Built latest = held;
        return latest != null ? latest : now;
    }

    /**
     * pGPU UUIDs that more than one host reports in the input held now (0 before the first build): those
     * pGPUs are excluded from placement ({@code GPU_UUID_CONFLICT}); a gauge for operators.
     */
    public int uuidConflicts() {
        Built now = held;
        return now == null ? 0 : now.input().uuidConflicts().size();
    }

    /** Stops the rebuild executor if it is one this source may stop (an {@link ExecutorService}). */
    @Override
    public void close() {
        if (rebuilds instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    private boolean outOfDate(Built built, Instant at) {
        return built.fleetVersion() != fleet.version() || built.conditionsVersion() != conditions.version()
                || built.heldVersion() != heldCapacity.version()
                || !at.isBefore(built.nextStaleAt())
                || built.staleHosts().anyHeardAgain(fleet, at, staleAfter);
    }

    private Built build(@Nullable Built previous) {
        long fleetVersion = fleet.version();
        long conditionsVersion = conditions.version();
        long heldVersion = heldCapacity.version();
        long heardVersion = fleet.heardVersion();
        Map<String, List<HeldCapacity.HeldVgpu>> heldVgpus = heldCapacity.byHost();
        Instant at = clock.instant();
        List<FleetView.HostEntry> hosts = fleet.hosts();
        List<HostSnapshot> snapshots = new ArrayList<>(hosts.size());
        Set<String> stale = new HashSet<>();
        Instant nextStaleAt = Instant.MAX;
        Map<String, Map<String, Map<String, Integer>>> heldByHost = new HashMap<>();
        for (FleetView.HostEntry host : hosts) {
            snapshots.add(host.snapshot());
            Map<String, Map<String, Integer>> heldHere = notShown(host.snapshot(),
                    heldVgpus.getOrDefault(host.snapshot().hostId(), List.of()));
            if (!heldHere.isEmpty()) {
                heldByHost.put(host.snapshot().hostId(), heldHere);
            }
            Instant staleAt = host.lastSeenAt().plus(staleAfter);
            if (!at.isBefore(staleAt)) {
                stale.add(host.snapshot().hostId());
            } else if (staleAt.isBefore(nextStaleAt)) {
                nextStaleAt = staleAt;
            }
        }
        PlacementInput input = PlacementInputs.from(snapshots, conditions.health(), conditions.cordonedGpus(), stale,
                conditions.nvlinkByHost(), heldByHost, previous == null ? null : previous.input());
        if (previous != null) {
            input.prepareShapesOf(previous.input());
        }
        if (!input.uuidConflicts().isEmpty()
                && (previous == null || !previous.input().uuidConflicts().equals(input.uuidConflicts()))) {
            log.warn("{} pGPU UUID(s) reported by more than one host, excluded from placement (GPU_UUID_CONFLICT) until"
                    + " only one host reports each: {}", input.uuidConflicts().size(), input.uuidConflicts());
        }
        return new Built(input, fleetVersion, conditionsVersion, heldVersion, at, nextStaleAt,
                new StaleHosts(List.copyOf(stale), heardVersion), new AtomicReference<>());
    }

    /**
     * The hosts that were stale in a built input, and whether one of them has been heard since and is not stale
     * now. A heartbeat does not move the fleet's version, so this is what brings a returning host back; the
     * hosts are looked at once per snapshot the fleet takes in, not per request, and once one is back the input
     * stays out of date until it is rebuilt.
     */
    public static final class StaleHosts {

        private final List<String> hostIds;
        private final AtomicLong heardLookedAt;
        private volatile boolean oneIsBack;

        StaleHosts(List<String> hostIds, long heardVersion) {
            this.hostIds = hostIds;
            this.heardLookedAt = new AtomicLong(heardVersion);
        }

        boolean anyHeardAgain(FleetView fleet, Instant at, Duration staleAfter) {
            if (oneIsBack) {
                return true;
            }
            if (hostIds.isEmpty()) {
                return false;
            }
            long heard = fleet.heardVersion();
            long lookedAt = heardLookedAt.get();
            if (heard == lookedAt || !heardLookedAt.compareAndSet(lookedAt, heard)) {
                return false;
            }
            for (String hostId : hostIds) {
                if (fleet.host(hostId).filter(entry -> at.isBefore(entry.lastSeenAt().plus(staleAfter))).isPresent()) {
                    oneIsBack = true;
                    return true;
                }
            }
            return false;
        }
    }

    /** pGPU UUID to type id to count of the held vGPUs that the snapshot does not show (those it shows it counts). */
    private static Map<String, Map<String, Integer>> notShown(HostSnapshot snapshot, List<HeldCapacity.HeldVgpu> vgpus) {
        if (vgpus.isEmpty()) {
            return Map.of();
        }
        Set<String> shown = new HashSet<>();
        for (Vgpu vgpu : snapshot.vgpus()) {
            shown.add(vgpu.uuid());
        }
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        for (HeldCapacity.HeldVgpu vgpu : vgpus) {
            if (!shown.contains(vgpu.vgpuUuid())) {
                counts.computeIfAbsent(vgpu.gpuUuid(), g -> new HashMap<>()).merge(vgpu.typeId(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
