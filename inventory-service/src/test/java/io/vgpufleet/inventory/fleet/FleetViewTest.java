package io.vgpufleet.inventory.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetViewTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void keepsTheNewestSnapshotOfEachHost() {
        FleetView fleet = new FleetView();
        fleet.apply(snapshot("h1", 1, T0, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        fleet.apply(snapshot("h1", 2, T0.plusSeconds(10), "GPU-00000001-0000-4000-8000-000000000002"), T0.plusSeconds(10));

        assertThat(fleet.host("h1")).hasValueSatisfying(entry -> assertThat(entry.snapshot().sequence()).isEqualTo(2));
        assertThat(fleet.gpu("GPU-00000001-0000-4000-8000-000000000001")).isEmpty();
        assertThat(fleet.gpu("GPU-00000001-0000-4000-8000-000000000002")).isPresent();
    }

    @Test
    void ignoresASnapshotOlderThanTheOneHeld() {
        FleetView fleet = new FleetView();
        fleet.apply(snapshot("h1", 5, T0.plusSeconds(10), "GPU-00000001-0000-4000-8000-000000000002"), T0);

        boolean applied = fleet.apply(snapshot("h1", 4, T0, "GPU-00000001-0000-4000-8000-000000000001"), T0.plusSeconds(20));

        assertThat(applied).isFalse();
        assertThat(fleet.host("h1")).hasValueSatisfying(entry -> assertThat(entry.snapshot().sequence()).isEqualTo(5));
    }

    @Test
    void acceptsARestartedAgentWhoseSequenceBeganAgain() {
        FleetView fleet = new FleetView();
        fleet.apply(snapshot("h1", 900, T0, "GPU-00000001-0000-4000-8000-000000000001"), T0);

        assertThat(fleet.apply(snapshot("h1", 1, T0.plusSeconds(1), "GPU-00000001-0000-4000-8000-000000000001"), T0))
                .isTrue();
    }

    @Test
    void raisesItsVersionForEverySnapshotTakenInAndOnlyThen() {
        FleetView fleet = new FleetView();
        long empty = fleet.version();
        fleet.apply(snapshot("h1", 2, T0.plusSeconds(1), "GPU-00000001-0000-4000-8000-000000000001"), T0);
        long one = fleet.version();

        fleet.apply(snapshot("h1", 1, T0, "GPU-00000001-0000-4000-8000-000000000001"), T0);

        assertThat(one).isGreaterThan(empty);
        assertThat(fleet.version()).as("an older snapshot changes nothing").isEqualTo(one);
    }

    @Test
    void aHeartbeatMovesTheHeardSequenceAndLastSeenButKeepsTheHeldSnapshotAndTheVersion() {
        FleetView fleet = new FleetView();
        fleet.apply(snapshot("h1", 1, T0, "GPU-00000001-0000-4000-8000-000000000001"), T0);
        HostSnapshot held = fleet.host("h1").orElseThrow().snapshot();
        long version = fleet.version();
        long heard = fleet.heardVersion();

        assertThat(fleet.apply(snapshot("h1", 2, T0.plusSeconds(30), "GPU-00000001-0000-4000-8000-000000000001"),
                T0.plusSeconds(31))).isTrue();

        FleetView.HostEntry entry = fleet.host("h1").orElseThrow();
        assertThat(entry.heardSequence()).isEqualTo(2);
        assertThat(entry.heardObservedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(entry.lastSeenAt()).isEqualTo(T0.plusSeconds(31));
        assertThat(entry.snapshot()).as("the held snapshot, not the heartbeat's copy").isSameAs(held);
        assertThat(fleet.version()).isEqualTo(version);
        assertThat(fleet.heardVersion()).isGreaterThan(heard);

        assertThat(fleet.apply(snapshot("h1", 7, T0.plusSeconds(20), "GPU-00000001-0000-4000-8000-000000000002"),
                T0.plusSeconds(40))).as("older than the heartbeat, though newer than the held snapshot").isFalse();
        assertThat(fleet.version()).isEqualTo(version);

        fleet.apply(snapshot("h1", 3, T0.plusSeconds(60), "GPU-00000001-0000-4000-8000-000000000002"), T0.plusSeconds(61));
        assertThat(fleet.version()).as("a change of content").isGreaterThan(version);
        assertThat(fleet.gpu("GPU-00000001-0000-4000-8000-000000000002")).isPresent();
    }

    @Test
    void listsHostsAndGpusInAStableOrder() {
        FleetView fleet = new FleetView();
        fleet.apply(snapshot("h2", 1, T0, "GPU-00000002-0000-4000-8000-000000000001"), T0);
        fleet.apply(snapshot("h1", 1, T0, "GPU-00000001-0000-4000-8000-000000000001"), T0);

        assertThat(fleet.hosts()).extracting(entry -> entry.snapshot().hostId()).containsExactly("h1", "h2");
        assertThat(fleet.hostCount()).isEqualTo(2);
        assertThat(fleet.gpuCount()).isEqualTo(2);
        assertThat(fleet.gpus()).extracting(entry -> entry.gpu().uuid())
                .containsExactly("GPU-00000001-0000-4000-8000-000000000001", "GPU-00000002-0000-4000-8000-000000000001");
    }

    private static HostSnapshot snapshot(String hostId, long sequence, Instant at, String gpuUuid) {
        PhysicalGpu gpu = new PhysicalGpu(gpuUuid, "0000:3b:00.0", "Tesla T4", 16384, 0, "0-7", EccMode.ON, HostKind.MDEV,
                false, NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), List.of(), List.of());
        return new HostSnapshot(hostId, sequence, at, "test", HostKind.MDEV, new VgpuManagerStatus(true, null, List.of()),
                List.of(gpu), List.of());
    }
}
