package io.vgpufleet.inventory.placement;

import static io.vgpufleet.inventory.placement.TestFleet.A100;
import static io.vgpufleet.inventory.placement.TestFleet.T4;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.placement.TestFleet.GpuSpec;
import io.vgpufleet.inventory.placement.TestFleet.Model;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request-shape views: built either way they agree, and memoising them never changes an answer. */
class PlacementViewTest {

    private static final List<Model> MODELS = List.of(TestFleet.P4, T4, A100, TestFleet.H100);

    @Test
    void theOneTypeViewBuiltWithTheInputAgreesWithTheGeneralBuild() {
        for (long seed = 0; seed < 20; seed++) {
            PlacementInput input = randomFleet(new Random(seed)).input();
            for (PlacementInput.TypeInfo type : input.types) {
                BitSet one = new BitSet();
                one.set(type.index());
                PlacementView quick = PlacementView.ofOneType(input, type.index());
                PlacementView general = PlacementView.build(input, new PlacementView.Key(one, false, -1, false));

                assertThat(quick.key).isEqualTo(general.key);
                assertThat(quick.positions).isDeepEqualTo(general.positions);
                assertThat(quick.counts).isEqualTo(general.counts);
                assertThat(quick.examples).isDeepEqualTo(general.examples);
                assertThat(quick.numaMismatch).isEqualTo(general.numaMismatch);
                assertThat(quick.eligible).isEqualTo(general.eligible);
                assertThat(quick.packKeys).as("seed %d %s", seed, type).isEqualTo(general.packKeys);
                assertThat(quick.spreadKeys).isEqualTo(general.spreadKeys);
            }
        }
    }

    @Test
    void answersTheSameOnAFreshInputAsOnOneThatMemoisedEveryShapeBefore() {
        for (long seed = 0; seed < 20; seed++) {
            TestFleet fleet = randomFleet(new Random(seed));
            PlacementInput warm = fleet.input();
            List<PlacementRequest> requests = requests(new Random(seed), fleet);
            PlacementEngine engine = new PlacementEngine(5);
            for (PlacementRequest request : requests) {
                engine.place(request, warm, PlacementPolicy.PACK, 3);
                engine.place(request, warm, PlacementPolicy.SPREAD, 3);
            }
            PlacementInput carried = fleet.input();
            carried.prepareShapesOf(warm);
            assertThat(carried.viewCount()).isEqualTo(warm.viewCount());

            for (PlacementRequest request : requests) {
                for (PlacementPolicy policy : PlacementPolicy.values()) {
                    PlacementResult fresh = engine.place(request, fleet.input(), policy, 7);
                    assertThat(engine.place(request, warm, policy, 7)).as("seed %d %s", seed, request).isEqualTo(fresh);
                    assertThat(engine.place(request, carried, policy, 7)).isEqualTo(fresh);
                }
            }
        }
    }

    @Test
    void findsExamplesPastTheNamedPgpusAndKeepsThemInPgpuOrder() {
        TestFleet fleet = new TestFleet();
        for (int h = 0; h < 60; h++) {
            fleet.host(String.format("h%02d", h)).gpus(T4, 4, false);
        }
        PlacementInput input = fleet.input();
        PlacementEngine engine = new PlacementEngine(4);

        PlacementResult allowed = engine.place(PlacementRequest.builder().typeId("nvidia-232").hosts(Set.of("h00", "h01"))
                .numaNode(1).build(), input, PlacementPolicy.PACK, 10);
        PlacementResult avoided = engine.place(PlacementRequest.builder().typeId("nvidia-232")
                .avoidHosts(Set.of("h00", "h02")).numaNode(0).build(), input, PlacementPolicy.PACK, 300);

        assertThat(allowed.candidates()).extracting(Candidate::hostId).containsExactly("h00", "h00", "h01", "h01");
        assertThat(allowed.rejectionCounts()).containsEntry(RejectionReason.AFFINITY, 240 - 8)
                .containsEntry(RejectionReason.NUMA_MISMATCH, 4);
        assertThat(examplesOf(allowed, RejectionReason.AFFINITY)).containsExactly("h02", "h02", "h02", "h02");
        assertThat(avoided.rejectionCounts()).containsEntry(RejectionReason.ANTI_AFFINITY, 8)
                .containsEntry(RejectionReason.NUMA_MISMATCH, 120 - 4);
        assertThat(avoided.eligibleGpus()).isEqualTo(120 - 4).isEqualTo(avoided.candidates().size());
        assertThat(examplesOf(avoided, RejectionReason.NUMA_MISMATCH)).containsExactly("h01", "h01", "h03", "h03");
        assertThat(avoided.candidates()).extracting(Candidate::hostId).doesNotContain("h00", "h02");
    }

    @Test
    void keepsTheMultiVgpuOutcomeOfAShapeAndCorrectsItForAntiAffinity() {
        TestFleet fleet = new TestFleet();
        for (int h = 0; h < 10; h++) {
            fleet.host("h" + h).gpus(A100, 4, true);
        }
        PlacementInput input = fleet.input();
        PlacementEngine engine = new PlacementEngine();
        PlacementRequest pair = PlacementRequest.builder().vgpuClass(VgpuClass.C).count(2).nvlinkP2p(true).build();

        PlacementResult first = engine.place(pair, input, PlacementPolicy.PACK, 3);
        PlacementResult again = engine.place(pair, input, PlacementPolicy.PACK, 3);
        PlacementResult avoiding = engine.place(PlacementRequest.builder().vgpuClass(VgpuClass.C).count(2).nvlinkP2p(true)
                .avoidHosts(Set.of("h0")).build(), input, PlacementPolicy.PACK, 3);

        assertThat(again).isEqualTo(first);
        assertThat(first.candidates()).extracting(Candidate::hostId).containsExactly("h0", "h1", "h2");
        assertThat(avoiding.candidates()).extracting(Candidate::hostId).containsExactly("h1", "h2", "h3");
        assertThat(avoiding.rejectionCounts()).containsEntry(RejectionReason.ANTI_AFFINITY, 4);
        assertThat(avoiding.eligibleGpus()).isEqualTo(36);
    }

    private static List<String> examplesOf(PlacementResult result, RejectionReason reason) {
        return result.rejectionExamples().stream().filter(r -> r.reason() == reason).map(Rejection::hostId).toList();
    }

    private static TestFleet randomFleet(Random random) {
        TestFleet fleet = new TestFleet();
        int hosts = 1 + random.nextInt(30);
        for (int h = 0; h < hosts; h++) {
            Model model = MODELS.get(random.nextInt(MODELS.size()));
            TestFleet.HostSpec host = fleet.host(String.format("h%02d", h)).gpus(model, 1 + random.nextInt(8),
                    random.nextBoolean());
            for (GpuSpec gpu : host.gpus) {
                gpu.numa(random.nextInt(2));
                if (random.nextInt(10) < 5) {
                    TestFleet.TypeSpec type = model.types().get(random.nextInt(model.types().size()));
                    gpu.with(type.typeId(), 1 + random.nextInt(type.maxInstances()));
                }
            }
            if (random.nextInt(8) == 0) {
                fleet.cordoned.add(host.gpus.get(0).uuid);
            }
        }
        return fleet;
    }

    private static List<PlacementRequest> requests(Random random, TestFleet fleet) {
        List<String> hosts = fleet.snapshots().stream().map(h -> h.hostId()).toList();
        List<String> typeIds = MODELS.stream().flatMap(m -> m.types().stream()).map(TestFleet.TypeSpec::typeId).toList();
        List<PlacementRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            PlacementRequest.Builder b = PlacementRequest.builder();
            if (random.nextBoolean()) {
                b.typeId(typeIds.get(random.nextInt(typeIds.size())));
            } else {
                b.vgpuClass(random.nextBoolean() ? VgpuClass.C : VgpuClass.Q).minFramebufferMib(1024L << random.nextInt(7));
            }
            int count = random.nextInt(4) == 0 ? 2 + random.nextInt(3) : 1;
            b.count(count).nvlinkP2p(count > 1 && random.nextBoolean()).eccRequired(random.nextInt(6) == 0);
            if (random.nextInt(3) == 0) {
                b.numaNode(random.nextInt(2));
            }
            if (random.nextInt(5) == 0) {
                b.hosts(Set.of(hosts.get(random.nextInt(hosts.size()))));
            }
            if (random.nextInt(4) == 0) {
                b.avoidHosts(Set.of(hosts.get(random.nextInt(hosts.size()))));
            }
            requests.add(b.build());
        }
        return requests;
    }
}
