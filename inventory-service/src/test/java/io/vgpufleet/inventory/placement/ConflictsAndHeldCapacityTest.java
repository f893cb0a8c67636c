package io.vgpufleet.inventory.placement;

import static io.vgpufleet.inventory.placement.TestFleet.A100;
import static io.vgpufleet.inventory.placement.TestFleet.T4;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two fleet facts placement used to get wrong: a pGPU UUID that two hosts report (the input refused to
 * build, so every placement and claim of the fleet failed) and capacity that claims hold before any
 * snapshot shows it (placement proposed it again, so concurrent claims were sent to full pGPUs).
 */
class ConflictsAndHeldCapacityTest {

    private static final String T4_4Q = "nvidia-232";
    private static final String A100_20C = "nvidia-475";
    private static final String A100_40C = "nvidia-476";

    private final PlacementEngine engine = new PlacementEngine(100);

    @Test
    void aPgpuUuidReportedByTwoHostsIsExcludedWithItsReasonAndTheRestOfTheFleetIsPlaced() {
        TestFleet fleet = new TestFleet();
        TestFleet.GpuSpec original = fleet.host("h1").gpu(T4);
        fleet.host("h1").gpu(T4);
        fleet.host("h2").gpu(T4);
        fleet.host("h2").gpu(T4);
        fleet.host("h3").gpu(T4);
        List<HostSnapshot> snapshots = new ArrayList<>(fleet.snapshots());
        // h2's agent reports h1's first pGPU UUID for its own first pGPU (a cloned host, a simulator's fixed UUIDs)
        snapshots.set(1, withFirstUuid(snapshots.get(1), original.uuid));

        PlacementInput input = PlacementInputs.from(snapshots, fleet.health, fleet.cordoned, fleet.stale, fleet.nvlink);
        PlacementResult result = engine.place(PlacementRequest.ofType(T4_4Q), input, PlacementPolicy.PACK, 10);

        assertThat(input.uuidConflicts()).containsExactly(Map.entry(original.uuid, List.of("h1", "h2")));
        assertThat(result.candidates()).hasSize(3).noneMatch(c -> c.gpuUuid().equals(original.uuid));
        assertThat(result.rejectionCounts()).containsExactlyEntriesOf(Map.of(RejectionReason.GPU_UUID_CONFLICT, 2));
        assertThat(result.rejectionExamples()).extracting(Rejection::hostId).containsExactlyInAnyOrder("h1", "h2");
        assertThat(engine.explainHost(PlacementRequest.ofType(T4_4Q), input, "h2").get(0).reasons())
                .extracting(Rejection::reason).containsExactly(RejectionReason.GPU_UUID_CONFLICT);

        // once h2 reports its own UUID again, the pGPU comes back, also in an input built from the previous one
        PlacementInput healed = PlacementInputs.from(fleet.snapshots(), fleet.health, fleet.cordoned, fleet.stale,
                fleet.nvlink, input);
        assertThat(healed.uuidConflicts()).isEmpty();
        assertThat(engine.place(PlacementRequest.ofType(T4_4Q), healed, PlacementPolicy.PACK, 10).candidates()).hasSize(5);
    }

    @Test
    void capacityHeldByClaimsIsNotProposedAgain() {
        TestFleet fleet = new TestFleet();
        TestFleet.GpuSpec first = fleet.host("h1").gpu(A100);
        TestFleet.GpuSpec second = fleet.host("h1").gpu(A100);
        fleet.host("h1").gpu(A100);
        PlacementRequest pair = PlacementRequest.builder().typeId(A100_40C).count(2).build();

        PlacementInput free = fleet.input();
        Candidate proposed = engine.place(pair, free, PlacementPolicy.PACK, 10).candidates().get(0);
        assertThat(proposed.gpus()).extracting(Candidate.Slot::gpuUuid).containsExactly(first.uuid, second.uuid);

        // a claim holds that pair; no snapshot shows its vGPUs yet
        Map<String, Map<String, Map<String, Integer>>> held = Map.of("h1",
                Map.of(first.uuid, Map.of(A100_40C, 1), second.uuid, Map.of(A100_40C, 1)));
        PlacementInput withHeld = PlacementInputs.from(fleet.snapshots(), fleet.health, fleet.cordoned, fleet.stale,
                fleet.nvlink, held, free);

        PlacementResult again = engine.place(pair, withHeld, PlacementPolicy.PACK, 10);
        assertThat(again.candidates()).isEmpty();
        PlacementResult one = engine.place(PlacementRequest.ofType(A100_40C), withHeld, PlacementPolicy.PACK, 10);
        assertThat(one.candidates()).extracting(Candidate::gpuUuid).doesNotContain(first.uuid, second.uuid).hasSize(1);
        // a homogeneous pGPU holding a claimed type takes no other type
        PlacementResult other = engine.place(PlacementRequest.ofType(A100_20C), withHeld, PlacementPolicy.PACK, 10);
        assertThat(other.candidates()).extracting(Candidate::gpuUuid).doesNotContain(first.uuid, second.uuid);
        assertThat(other.rejectionCounts()).containsKey(RejectionReason.OTHER_TYPE_RESIDENT);
        assertThat(Set.of(RejectionReason.MAX_INSTANCES, RejectionReason.NO_CAPACITY))
                .containsAnyElementsOf(one.rejectionCounts().keySet());
    }

    private static HostSnapshot withFirstUuid(HostSnapshot host, String uuid) {
        List<PhysicalGpu> gpus = new ArrayList<>(host.gpus());
        PhysicalGpu g = gpus.get(0);
        gpus.set(0, new PhysicalGpu(uuid, g.pciBdf(), g.model(), g.memoryMib(), g.numaNode(), g.cpuAffinity(), g.eccMode(),
                g.hostKind(), g.heterogeneousMode(), g.nvml(), g.types(), g.virtualFunctions()));
        return new HostSnapshot(host.hostId(), host.sequence(), host.observedAt(), host.agentVersion(), host.hostKind(),
                host.vgpuManager(), gpus, host.vgpus());
    }
}
