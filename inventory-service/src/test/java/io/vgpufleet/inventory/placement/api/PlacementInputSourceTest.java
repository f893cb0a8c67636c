package io.vgpufleet.inventory.placement.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.inventory.placement.Candidate;
import io.vgpufleet.inventory.placement.FleetConditions;
import io.vgpufleet.inventory.placement.NvlinkLink;
import io.vgpufleet.inventory.placement.PlacementEngine;
import io.vgpufleet.inventory.placement.PlacementPolicy;
import io.vgpufleet.inventory.placement.PlacementRequest;
import io.vgpufleet.inventory.placement.PlacementResult;
import io.vgpufleet.inventory.placement.RejectionReason;
import io.vgpufleet.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class PlacementInputSourceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String P4_8C = "nvidia-289";

    private final FleetView fleet = new FleetView();
    private final MutableClock clock = new MutableClock(T0);
    private final List<Runnable> pending = new ArrayList<>();
    private final Executor queued = pending::add;
    private final MutableConditions conditions = new MutableConditions();
    private final PlacementEngine engine = new PlacementEngine();

    private PlacementInputSource source(Duration minInterval, Executor executor) {
        return new PlacementInputSource(fleet, conditions, clock, Duration.ofSeconds(60), minInterval, executor);
    }

    private void runPending() {
        List<Runnable> now = new ArrayList<>(pending);
        pending.clear();
        now.forEach(Runnable::run);
    }

    private List<String> candidateHosts(PlacementInputSource source) {
        PlacementResult result = engine.place(PlacementRequest.ofType(P4_8C), source.current().input(),
                PlacementPolicy.PACK, 10);
        return result.candidates().stream().map(Candidate::hostId).toList();
    }

    @Test
    void buildsOnFirstUseAndKeepsTheInputWhileTheFleetDoesNotChangeHeartbeatsIncluded() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        PlacementInputSource source = source(Duration.ZERO, queued);

        PlacementInputSource.Built first = source.current();
        clock.advance(Duration.ofSeconds(5));

        assertThat(source.current()).isSameAs(first);
        assertThat(pending).isEmpty();
        assertThat(first.fleetVersion()).isEqualTo(fleet.version());

        clock.advance(Duration.ofSeconds(25));
        fleet.apply(snapshot("h1", 2, "GPU-00000001-0000-4000-8000-000000000001"), clock.instant());

        assertThat(source.current()).as("a heartbeat that changes nothing builds nothing").isSameAs(first);
        assertThat(pending).isEmpty();
    }

    @Test
    void rebuildsOffTheRequestThreadWhenASnapshotArrives() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        PlacementInputSource source = source(Duration.ZERO, queued);
        assertThat(candidateHosts(source)).containsExactly("h1");

        fleet.apply(snapshot("h2", 1, "GPU-00000002-0000-4000-8000-000000000001"), T0);

        assertThat(candidateHosts(source)).as("answered at once with the input held").containsExactly("h1");
        assertThat(pending).hasSize(1);
        source.current();
        assertThat(pending).as("one rebuild at a time").hasSize(1);
        runPending();
        assertThat(candidateHosts(source)).containsExactly("h1", "h2");
    }

    @Test
    void waitsTheLeastIntervalBetweenRebuilds() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        PlacementInputSource source = source(Duration.ofSeconds(1), Runnable::run);
        source.current();

        fleet.apply(snapshot("h2", 1, "GPU-00000002-0000-4000-8000-000000000001"), T0);
        clock.advance(Duration.ofMillis(999));
        assertThat(candidateHosts(source)).containsExactly("h1");

        clock.advance(Duration.ofMillis(1));
        assertThat(candidateHosts(source)).containsExactly("h1", "h2");
    }

    @Test
    void excludesAHostNotHeardFromForTheStaleThreshold() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        fleet.apply(snapshot("h2", 1, "GPU-00000002-0000-4000-8000-000000000001"), T0.plusSeconds(30));
        clock.set(T0.plusSeconds(30));
        PlacementInputSource source = source(Duration.ZERO, Runnable::run);
        assertThat(candidateHosts(source)).containsExactly("h1", "h2");

        clock.set(T0.plusSeconds(60));

        PlacementResult result = engine.place(PlacementRequest.ofType(P4_8C), source.current().input(),
                PlacementPolicy.PACK, 10);
        assertThat(result.candidates()).extracting(Candidate::hostId).containsExactly("h2");
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.HOST_STALE, 1);
    }

    @Test
    void aStaleHostIsACandidateAgainOnceItsHeartbeatArrives() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        fleet.apply(snapshot("h2", 1, "GPU-00000002-0000-4000-8000-000000000001"), T0);
        clock.set(T0.plusSeconds(61));
        fleet.apply(snapshot("h2", 2, "GPU-00000002-0000-4000-8000-000000000001"), clock.instant());
        PlacementInputSource source = source(Duration.ZERO, Runnable::run);
        assertThat(candidateHosts(source)).as("h1 stale").containsExactly("h2");
        assertThat(candidateHosts(source)).as("nothing heard: no rebuild").containsExactly("h2");

        clock.advance(Duration.ofSeconds(1));
        fleet.apply(snapshot("h1", 2, "GPU-00000001-0000-4000-8000-000000000001"), clock.instant());

        assertThat(candidateHosts(source)).containsExactly("h1", "h2");
    }

    @Test
    void rebuildsWhenHealthOrCordonsChange() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        fleet.apply(snapshot("h2", 1, "GPU-00000002-0000-4000-8000-000000000001"), T0);
        PlacementInputSource source = source(Duration.ZERO, Runnable::run);
        assertThat(candidateHosts(source)).containsExactly("h1", "h2");

        conditions.health = Map.of("GPU-00000001-0000-4000-8000-000000000001", GpuHealth.DRAINING);
        conditions.version++;

        assertThat(candidateHosts(source)).containsExactly("h2");
    }

    @Test
    void carriesTheRequestShapesInUseOverToTheNextInput() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        PlacementInputSource source = source(Duration.ZERO, Runnable::run);
        PlacementRequest numa = PlacementRequest.builder().typeId(P4_8C).numaNode(0).build();
        PlacementResult before = engine.place(numa, source.current().input(), PlacementPolicy.SPREAD, 10);

        fleet.apply(upgraded(snapshot("h1", 2, "GPU-00000001-0000-4000-8000-000000000001")), T0.plusSeconds(1));
        PlacementInputSource.Built next = source.current();

        assertThat(next.fleetVersion()).isEqualTo(2);
        assertThat(engine.place(numa, next.input(), PlacementPolicy.SPREAD, 10)).isEqualTo(before);
    }

    @Test
    void reportsCapacityPerTypeOncePerInput() {
        fleet.apply(snapshot("h1", 1, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        PlacementInputSource source = source(Duration.ZERO, Runnable::run);

        PlacementInputSource.Built built = source.current();

        assertThat(built.capacityReport()).isSameAs(built.capacityReport());
        assertThat(built.capacityReport().forType(P4_8C)).hasValueSatisfying(t -> assertThat(t.headroom()).isEqualTo(1));
    }

    static HostSnapshot snapshot(String hostId, long sequence, String gpuUuid) {
        VgpuTypeCapacity p4_8c = new VgpuTypeCapacity(P4_8C, "GRID P4-8C", VgpuClass.C, 8192, 1, 1, 1, 60, "4096x2160",
                "vfio-pci", null);
        PhysicalGpu gpu = new PhysicalGpu(gpuUuid, "0000:3b:00.0", "Tesla P4", 8192, 0, "0-15", EccMode.OFF, HostKind.MDEV,
                false, NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), List.of(p4_8c), List.of());
        return new HostSnapshot(hostId, sequence, T0.plusSeconds(sequence), "test", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.54.16", List.of()), List.of(gpu), List.of());
    }

    /** The same snapshot from an agent of another version: a change of content. */
    private static HostSnapshot upgraded(HostSnapshot snapshot) {
        return new HostSnapshot(snapshot.hostId(), snapshot.sequence(), snapshot.observedAt(), "test-2",
                snapshot.hostKind(), snapshot.vgpuManager(), snapshot.gpus(), snapshot.vgpus());
    }

    private static final class MutableConditions implements FleetConditions {
        Map<String, GpuHealth> health = Map.of();
        long version;

        @Override
        public Map<String, GpuHealth> health() {
            return health;
        }

        @Override
        public Set<String> cordonedGpus() {
            return Set.of();
        }

        @Override
        public Map<String, ? extends Collection<NvlinkLink>> nvlinkByHost() {
            return Map.of();
        }

        @Override
        public long version() {
            return version;
        }
    }
}
