package io.vgpufleet.inventory.placement;

import static io.vgpufleet.inventory.placement.TestFleet.A100;
import static io.vgpufleet.inventory.placement.TestFleet.H100;
import static io.vgpufleet.inventory.placement.TestFleet.T4;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.placement.TestFleet.GpuSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {

    private static final String T4_4Q = "nvidia-232";
    private static final String T4_2Q = "nvidia-231";
    private static final String A100_40C = "nvidia-476";
    private static final String H100_80C = "nvidia-1052";

    private final PlacementEngine engine = new PlacementEngine(100);

    private PlacementResult place(TestFleet fleet, PlacementRequest request) {
        return engine.place(request, fleet.input(), PlacementPolicy.PACK, 10);
    }

    private static PlacementRequest ofType(String typeId) {
        return PlacementRequest.ofType(typeId);
    }

    @Test
    void placesATypeOnAPgpuThatSupportsIt() {
        TestFleet fleet = new TestFleet();
        GpuSpec gpu = fleet.host("h1").gpu(T4);

        PlacementResult result = place(fleet, ofType(T4_4Q));

        assertThat(result.candidates()).singleElement().satisfies(c -> {
            assertThat(c.hostId()).isEqualTo("h1");
            assertThat(c.gpuUuid()).isEqualTo(gpu.uuid);
            assertThat(c.pciBdf()).isEqualTo(gpu.pciBdf);
            assertThat(c.typeId()).isEqualTo(T4_4Q);
        });
        assertThat(result.eligibleGpus()).isEqualTo(1);
        assertThat(result.rejectionCounts()).isEmpty();
    }

    @Test
    void rejectsAPgpuThatDoesNotSupportTheType() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(A100);

        assertRejected(place(fleet, ofType(T4_4Q)), RejectionReason.TYPE_NOT_SUPPORTED);
    }

    @Test
    void rejectsAPgpuThatHostsAnotherTypeUnlessHeterogeneous() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(T4).with(T4_2Q, 1);
        GpuSpec mixed = fleet.host("h2").gpu(T4).heterogeneous().with(T4_2Q, 1);

        PlacementResult result = place(fleet, ofType(T4_4Q));

        assertThat(result.candidates()).extracting(Candidate::gpuUuid).containsExactly(mixed.uuid);
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.OTHER_TYPE_RESIDENT, 1);
    }

    @Test
    void rejectsAPgpuHoldingTheTypesMaximumInstances() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(T4).with(T4_4Q, 4);

        assertRejected(place(fleet, ofType(T4_4Q)), RejectionReason.MAX_INSTANCES);
    }

    @Test
    void rejectsAPgpuWithNoInstanceAvailable() {
        TestFleet fleet = new TestFleet();
        // heterogeneous: 3 x 4Q use 12 GiB, so an 8Q no longer fits though none is resident
        fleet.host("h1").gpu(T4).heterogeneous().with(T4_4Q, 3);

        assertRejected(place(fleet, ofType("nvidia-233")), RejectionReason.NO_CAPACITY);
    }

    @Test
    void rejectsDegradedDrainingAndFailedPgpus() {
        TestFleet fleet = new TestFleet();
        GpuSpec degraded = fleet.host("h1").gpu(T4);
        GpuSpec draining = fleet.host("h2").gpu(T4);
        GpuSpec failed = fleet.host("h3").gpu(T4);
        fleet.host("h4").gpu(T4);
        fleet.health.put(degraded.uuid, GpuHealth.DEGRADED);
        fleet.health.put(draining.uuid, GpuHealth.DRAINING);
        fleet.health.put(failed.uuid, GpuHealth.FAILED);

        PlacementResult result = place(fleet, ofType(T4_4Q));

        assertThat(result.candidates()).extracting(Candidate::hostId).containsExactly("h4");
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.UNHEALTHY, 3);
    }

    @Test
    void rejectsACordonedPgpu() {
        TestFleet fleet = new TestFleet();
        fleet.cordoned.add(fleet.host("h1").gpu(T4).uuid);

        assertRejected(place(fleet, ofType(T4_4Q)), RejectionReason.CORDONED);
    }

    @Test
    void rejectsEveryPgpuOfAStaleHost() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpus(T4, 2, false);
        fleet.stale.add("h1");

        PlacementResult result = place(fleet, ofType(T4_4Q));

        assertThat(result.candidates()).isEmpty();
        assertThat(result.rejectionCounts()).containsExactlyEntriesOf(java.util.Map.of(RejectionReason.HOST_STALE, 2));
    }

    @Test
    void rejectsAPgpuWithEccOnWhereTheDriverRefusesVgpusWithEcc() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").problem("vGPU not supported with ECC Enabled").gpu(T4).ecc(EccMode.ON);
        GpuSpec eccOff = fleet.host("h2").problem("vGPU not supported with ECC Enabled").gpu(T4).ecc(EccMode.OFF);

        PlacementResult result = place(fleet, ofType(T4_4Q));

        assertThat(result.candidates()).extracting(Candidate::gpuUuid).containsExactly(eccOff.uuid);
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.ECC_BLOCKS_VGPU, 1);
    }

    @Test
    void requiresEccOnWhenTheRequestAsksForIt() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(T4).ecc(EccMode.OFF);
        GpuSpec on = fleet.host("h2").gpu(T4).ecc(EccMode.ON);

        PlacementResult result = place(fleet, PlacementRequest.builder().typeId(T4_4Q).eccRequired(true).build());

        assertThat(result.candidates()).extracting(Candidate::gpuUuid).containsExactly(on.uuid);
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.ECC_REQUIRED, 1);
    }

    @Test
    void keepsToTheRequestedNumaNode() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpus(T4, 4, false);

        PlacementResult result = place(fleet, PlacementRequest.builder().typeId(T4_4Q).numaNode(1).build());

        assertThat(result.candidates()).hasSize(2).allSatisfy(c -> assertThat(c.gpus().get(0).numaNode()).isEqualTo(1));
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.NUMA_MISMATCH, 2);
    }

    @Test
    void keepsWithinTheAffinitySetsAndOutOfTheAntiAffinitySets() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(T4);
        GpuSpec avoided = fleet.host("h2").gpu(T4);
        GpuSpec chosen = fleet.host("h2").gpu(T4);
        fleet.host("h3").gpu(T4);

        PlacementResult result = place(fleet, PlacementRequest.builder().typeId(T4_4Q).hosts(Set.of("h2", "h3"))
                .avoidHosts(Set.of("h3")).avoidGpus(Set.of(avoided.uuid)).build());

        assertThat(result.candidates()).extracting(Candidate::gpuUuid).containsExactly(chosen.uuid);
        assertThat(result.rejectionCounts())
                .containsEntry(RejectionReason.AFFINITY, 1)
                .containsEntry(RejectionReason.ANTI_AFFINITY, 2);
    }

    @Test
    void restrictsToTheAllowedPgpus() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(T4);
        GpuSpec allowed = fleet.host("h1").gpu(T4);

        PlacementResult result = place(fleet, PlacementRequest.builder().typeId(T4_4Q).gpus(Set.of(allowed.uuid)).build());

        assertThat(result.candidates()).extracting(Candidate::gpuUuid).containsExactly(allowed.uuid);
    }

    @Test
    void choosesTheSmallestTypeOfTheClassWithEnoughFramebuffer() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(A100);

        PlacementResult result = place(fleet, PlacementRequest.builder().vgpuClass(VgpuClass.C).minFramebufferMib(9000).build());

        assertThat(result.candidates()).extracting(Candidate::typeId).containsExactly("nvidia-474");
    }

    @Test
    void rejectsPgpusWithoutATypeOfTheClassOrWithTooLittleFramebuffer() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(A100);
        fleet.host("h2").gpu(T4);

        assertThat(place(fleet, PlacementRequest.builder().vgpuClass(VgpuClass.B).build()).rejectionCounts())
                .containsEntry(RejectionReason.CLASS_MISMATCH, 1);
        assertThat(place(fleet, PlacementRequest.builder().vgpuClass(VgpuClass.C).minFramebufferMib(20_000).build())
                .rejectionCounts())
                .containsEntry(RejectionReason.FRAMEBUFFER_TOO_SMALL, 1);
    }

    @Test
    void packPrefersThePartlyUsedPgpuWithFewestFreeSlots() {
        TestFleet fleet = new TestFleet();
        GpuSpec empty = fleet.host("h1").gpu(T4);
        GpuSpec half = fleet.host("h2").gpu(T4).with(T4_4Q, 2);
        GpuSpec quarter = fleet.host("h3").gpu(T4).with(T4_4Q, 1);

        PlacementResult result = engine.place(ofType(T4_4Q), fleet.input(), PlacementPolicy.PACK, 10);

        assertThat(result.candidates()).extracting(Candidate::gpuUuid).containsExactly(half.uuid, quarter.uuid, empty.uuid);
    }

    @Test
    void spreadPrefersTheEmptiestPgpuOnTheLeastLoadedHost() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(T4).with(T4_4Q, 2);
        GpuSpec emptyOnBusyHost = fleet.host("h2").gpu(T4);
        fleet.host("h2").gpu(T4).with(T4_4Q, 3);
        GpuSpec emptyOnIdleHost = fleet.host("h3").gpu(T4);
        GpuSpec quarter = fleet.host("h4").gpu(T4).with(T4_4Q, 1);

        PlacementResult result = engine.place(ofType(T4_4Q), fleet.input(), PlacementPolicy.SPREAD, 3);

        assertThat(result.candidates()).extracting(Candidate::gpuUuid)
                .containsExactly(emptyOnIdleHost.uuid, emptyOnBusyHost.uuid, quarter.uuid);
        assertThat(result.eligibleGpus()).isEqualTo(5);
    }

    @Test
    void breaksTiesByHostIdThenPciAddress() {
        TestFleet fleet = new TestFleet();
        fleet.host("h2").gpu(T4);
        GpuSpec first = fleet.host("h1").gpu(T4);
        GpuSpec second = fleet.host("h1").gpu(T4);

        PlacementResult result = place(fleet, ofType(T4_4Q));

        assertThat(result.candidates()).extracting(Candidate::gpuUuid).startsWith(first.uuid, second.uuid);
        assertThat(result.candidates().get(2).hostId()).isEqualTo("h2");
    }

    @Test
    void placesAMultiVgpuVmOnDistinctPgpusOfOneHostWithOneToOneTypes() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpus(A100, 1, false);
        fleet.host("h2").gpus(A100, 3, false);

        PlacementResult result = place(fleet, PlacementRequest.builder().vgpuClass(VgpuClass.C).count(2).build());

        assertThat(result.candidates()).singleElement().satisfies(c -> {
            assertThat(c.hostId()).isEqualTo("h2");
            assertThat(c.gpus()).hasSize(2).extracting(Candidate.Slot::typeId).containsOnly(A100_40C);
            assertThat(c.gpus()).extracting(Candidate.Slot::gpuUuid).doesNotHaveDuplicates();
        });
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.NOT_ENOUGH_GPUS_ON_HOST, 1);
    }

    @Test
    void rejectsFractionalTypesForAMultiVgpuVm() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpus(A100, 2, false);

        PlacementResult result = place(fleet, PlacementRequest.builder().typeId("nvidia-474").count(2).build());

        assertThat(result.candidates()).isEmpty();
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.NOT_FULL_FRAMEBUFFER, 2);
    }

    @Test
    void requiresNvlinkBetweenTheVmsPgpusWhenP2pIsAsked() {
        TestFleet fleet = new TestFleet();
        TestFleet.HostSpec unlinked = fleet.host("h1").gpus(H100, 4, false);
        TestFleet.HostSpec pair = fleet.host("h2");
        GpuSpec a = pair.gpu(H100);
        pair.gpu(H100);
        GpuSpec c = pair.gpu(H100);
        pair.link(a, c);
        assertThat(unlinked.gpus).hasSize(4);

        PlacementRequest request = PlacementRequest.builder().typeId(H100_80C).count(2).nvlinkP2p(true).build();
        PlacementResult result = place(fleet, request);

        assertThat(result.candidates()).singleElement().satisfies(candidate -> {
            assertThat(candidate.hostId()).isEqualTo("h2");
            assertThat(candidate.gpus()).extracting(Candidate.Slot::gpuUuid).containsExactly(a.uuid, c.uuid);
        });
        assertThat(result.rejectionCounts()).containsEntry(RejectionReason.NO_NVLINK_PEERS, 4);
        assertThat(engine.explainHost(request, fleet.input(), "h1"))
                .allSatisfy(v -> assertThat(v.reasons()).extracting(Rejection::reason).contains(RejectionReason.NO_NVLINK_PEERS));
    }

    @Test
    void explainsEveryReasonForOnePgpu() {
        TestFleet fleet = new TestFleet();
        GpuSpec gpu = fleet.host("h1").gpu(T4).with(T4_2Q, 1).numa(0);
        fleet.cordoned.add(gpu.uuid);

        GpuVerdict verdict = engine.explain(PlacementRequest.builder().typeId(T4_4Q).numaNode(1).build(), fleet.input(), gpu.uuid)
                .orElseThrow();

        assertThat(verdict.eligible()).isFalse();
        assertThat(verdict.reasons()).extracting(Rejection::reason)
                .containsExactlyInAnyOrder(RejectionReason.CORDONED, RejectionReason.NUMA_MISMATCH,
                        RejectionReason.OTHER_TYPE_RESIDENT, RejectionReason.NO_CAPACITY);
    }

    @Test
    void summarisesTheRejectionsOfALargeFleetWithCountsAndBoundedExamples() {
        TestFleet fleet = new TestFleet();
        for (int h = 0; h < 50; h++) {
            fleet.host(String.format("h%03d", h)).gpus(A100, 4, false);
        }

        PlacementResult result = new PlacementEngine(2).place(ofType(T4_4Q), fleet.input(), PlacementPolicy.PACK, 5);

        assertThat(result.rejectionCounts()).containsExactlyEntriesOf(java.util.Map.of(RejectionReason.TYPE_NOT_SUPPORTED, 200));
        assertThat(result.rejectionExamples()).hasSize(2);
        assertThat(result.eligibleGpus() + result.rejectedGpus()).isEqualTo(result.totalGpus());
    }

    private static void assertRejected(PlacementResult result, RejectionReason reason) {
        assertThat(result.candidates()).isEmpty();
        assertThat(result.rejectionCounts()).containsExactlyEntriesOf(java.util.Map.of(reason, 1));
        assertThat(result.rejectionExamples()).singleElement().extracting(Rejection::reason).isEqualTo(reason);
    }
}
