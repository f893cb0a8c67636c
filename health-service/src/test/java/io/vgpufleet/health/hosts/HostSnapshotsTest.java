package io.vgpufleet.health.hosts;

import static io.vgpufleet.health.hosts.Snapshots.COMPUTE_TYPE;
import static io.vgpufleet.health.hosts.Snapshots.WORKSTATION_TYPE;
import static io.vgpufleet.health.hosts.Snapshots.gpu;
import static io.vgpufleet.health.hosts.Snapshots.snapshot;
import static io.vgpufleet.health.hosts.Snapshots.vgpu;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.health.policy.GpuConfiguration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostSnapshotsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String A = "GPU-aaaaaaaa-0000-4000-8000-000000000001";
    private static final String B = "GPU-bbbbbbbb-0000-4000-8000-000000000002";
    private static final String C = "GPU-cccccccc-0000-4000-8000-000000000003";

    @Test
    void indicesFollowPciBusOrderWhateverTheSnapshotsOrder() {
        List<PhysicalGpu> gpus = new ArrayList<>(List.of(gpu(A, "0000:af:00.0", EccMode.ON),
                gpu(B, "0000:3b:00.0", EccMode.ON), gpu(C, "0001:00:00.0", EccMode.ON)));
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(gpus, random);
            List<GpuFacts> facts = HostSnapshots.facts(snapshot("kvm-1", T0, gpus, List.of()));

            assertThat(facts).extracting(GpuFacts::gpuUuid).containsExactly(B, A, C);
            assertThat(facts).extracting(GpuFacts::index).containsExactly(0, 1, 2);
            assertThat(facts).extracting(GpuFacts::device).containsExactly("nvidia0", "nvidia1", "nvidia2");
        }
    }

    @Test
    void labelsAreDcgmExportersForms() {
        GpuFacts facts = HostSnapshots.facts(snapshot("kvm-1", T0, List.of(gpu(A, "0000:3b:00.0", EccMode.ON)),
                List.of())).get(0);

        assertThat(facts.pciBusId()).isEqualTo("00000000:3B:00.0");
        assertThat(facts.model()).isEqualTo("Tesla T4");
        assertThat(facts.hostId()).isEqualTo("kvm-1");
    }

    @Test
    void countsTheVgpusOfEachPgpuAndWhetherAnyIsCompute() {
        HostSnapshot snapshot = snapshot("kvm-1", T0,
                List.of(gpu(A, "0000:3b:00.0", EccMode.OFF), gpu(B, "0000:5e:00.0", EccMode.OFF),
                        gpu(C, "0000:af:00.0", EccMode.ON)),
                List.of(vgpu(1, A, COMPUTE_TYPE), vgpu(2, A, COMPUTE_TYPE), vgpu(3, B, WORKSTATION_TYPE)));

        List<GpuConfiguration> configurations = HostSnapshots.facts(snapshot).stream()
                .map(GpuFacts::configuration).toList();

        assertThat(configurations).containsExactly(
                new GpuConfiguration("kvm-1", A, false, true, 2),
                new GpuConfiguration("kvm-1", B, false, false, 1),
                new GpuConfiguration("kvm-1", C, true, false, 0));
    }

    @Test
    void anUnknownEccModeIsNoEvidenceOfEccOff() {
        GpuFacts facts = HostSnapshots.facts(snapshot("kvm-1", T0, List.of(gpu(A, "0000:3b:00.0", EccMode.UNKNOWN)),
                List.of(vgpu(1, A, COMPUTE_TYPE)))).get(0);

        assertThat(facts.configuration().eccEnabled()).isTrue();
    }

    @Test
    void aVgpuOfATypeThePgpuDoesNotListCountsButIsNotCompute() {
        Vgpu unlisted = vgpu(1, A, "nvidia-999");
        GpuFacts facts = HostSnapshots.facts(snapshot("kvm-1", T0, List.of(gpu(A, "0000:3b:00.0", EccMode.OFF)),
                List.of(unlisted))).get(0);

        assertThat(facts.hostedVgpus()).isEqualTo(1);
        assertThat(facts.servesComputeTypes()).isFalse();
    }

    @Test
    void onlyFactsThatChangedOrAreNewAreSentOn() {
        List<GpuFacts> first = HostSnapshots.facts(snapshot("kvm-1", T0,
                List.of(gpu(A, "0000:3b:00.0", EccMode.ON), gpu(B, "0000:5e:00.0", EccMode.ON)), List.of()));
        List<GpuFacts> later = HostSnapshots.facts(snapshot("kvm-1", T0.plusSeconds(10),
                List.of(gpu(A, "0000:3b:00.0", EccMode.ON), gpu(B, "0000:5e:00.0", EccMode.OFF),
                        gpu(C, "0000:af:00.0", EccMode.ON)), List.of()));

        assertThat(new HostFacts(first).changedIn(first)).as("a heartbeat").isEmpty();
        assertThat(new HostFacts(first).changedIn(later)).extracting(GpuFacts::gpuUuid).containsExactly(B, C);
    }
}
