package io.vgpufleet.inventory.placement.api;

import io.vgpufleet.inventory.placement.FleetConditions;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.inventory.placement.FragmentationReport;
import io.vgpufleet.inventory.placement.PlacementInput;
import io.vgpufleet.inventory.placement.PlacementInputs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The {@link PlacementInput} for the fleet as it is now, built from the {@link FleetView} when the view
 * or the {@link FleetConditions} change, or when a host goes stale, and never per request.
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

    /** An input and what it was built from. */
    public record Built(PlacementInput input, long fleetVersion, long conditionsVersion, Instant builtAt,
            Instant nextStaleAt, AtomicReference<@Nullable FragmentationReport> capacity) {

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
    private final Clock clock;
    private final Duration staleAfter;
    private final Duration minRebuildInterval;
    private final Executor rebuilds;
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private volatile @Nullable Built held;

    public PlacementInputSource(FleetView fleet, FleetConditions conditions, Clock clock, Duration staleAfter,
            Duration minRebuildInterval, Executor rebuilds) {
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter must be positive, was " + staleAfter);
        }
        if (minRebuildInterval.isNegative()) {
            throw new IllegalArgumentException("minRebuildInterval must not be negative, was " + minRebuildInterval);
        }
        this.fleet = fleet;
        this.conditions = conditions;
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

    /** Stops the rebuild executor if it is one this source may stop (an {@link ExecutorService}). */
    @Override
    public void close() {
        if (rebuilds instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    private boolean outOfDate(Built built, Instant at) {
        return built.fleetVersion() != fleet.version() || built.conditionsVersion() != conditions.version()
                || !at.isBefore(built.nextStaleAt());
    }

    private Built build(@Nullable Built previous) {
        long fleetVersion = fleet.version();
        long conditionsVersion = conditions.version();
        Instant at = clock.instant();
        List<FleetView.HostEntry> hosts = fleet.hosts();
        List<HostSnapshot> snapshots = new ArrayList<>(hosts.size());
        Set<String> stale = new HashSet<>();
        Instant nextStaleAt = Instant.MAX;
        for (FleetView.HostEntry host : hosts) {
            snapshots.add(host.snapshot());
            Instant staleAt = host.lastSeenAt().plus(staleAfter);
            if (!at.isBefore(staleAt)) {
                stale.add(host.snapshot().hostId());
            } else if (staleAt.isBefore(nextStaleAt)) {
                nextStaleAt = staleAt;
            }
        }
        PlacementInput input = PlacementInputs.from(snapshots, conditions.health(), conditions.cordonedGpus(), stale,
                conditions.nvlinkByHost(), previous == null ? null : previous.input());
        if (previous != null) {
            input.prepareShapesOf(previous.input());
        }
        return new Built(input, fleetVersion, conditionsVersion, at, nextStaleAt, new AtomicReference<>());
    }
}
