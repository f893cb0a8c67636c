package io.vgpufleet.inventory.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.fleet.FleetView;
import io.vgpufleet.inventory.placement.TestFleet.Model;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Building an input from a previous one (reusing unchanged hosts) gives what a build from scratch gives. */
class PlacementInputsTest {

    private static final List<Model> MODELS = List.of(TestFleet.P4, TestFleet.T4, TestFleet.A100, TestFleet.H100);

    @Test
    void anInputBuiltFromThePreviousOneAnswersAsOneBuiltFromScratch() {
        for (long seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            TestFleet fleet = new TestFleet();
            int hostCount = 2 + random.nextInt(25);
            for (int h = 0; h < hostCount; h++) {
                Model model = MODELS.get(random.nextInt(MODELS.size()));
                fleet.host(String.format("h%02d", h)).gpus(model, 1 + random.nextInt(8), random.nextBoolean());
            }
            List<HostSnapshot> before = fleet.snapshots();
            PlacementInput previous = PlacementInputs.from(before, fleet.health, fleet.cordoned, fleet.stale, fleet.nvlink);

            // a few hosts report again with vGPUs placed, one goes stale, one pGPU drains, one host leaves
            List<HostSnapshot> after = new ArrayList<>(before);
            Set<String> changed = new HashSet<>();
            for (int i = 0; i < 1 + random.nextInt(3); i++) {
                int h = random.nextInt(hostCount);
                TestFleet.HostSpec host = fleet.host(String.format("h%02d", h));
                TestFleet.GpuSpec gpu = host.gpus.get(random.nextInt(host.gpus.size()));
                TestFleet.TypeSpec type = gpu.model.types().get(random.nextInt(gpu.model.types().size()));
                if (gpu.residents.isEmpty()) {
                    gpu.with(type.typeId(), 1);
                }
                after.set(h, host.snapshot());
                changed.add(host.hostId);
            }
            // one unchanged host's heartbeat, through the fleet view, which keeps the held snapshot
            int beat = random.nextInt(hostCount);
            String beatHost = after.get(beat).hostId();
            if (!changed.contains(beatHost)) {
                HostSnapshot held = after.get(beat);
                FleetView view = new FleetView();
                view.apply(held, held.observedAt());
                view.apply(TestFleet.heartbeatOf(held, 30), held.observedAt().plusSeconds(30));
                after.set(beat, view.host(beatHost).orElseThrow().snapshot());
            }
            Set<String> touched = new HashSet<>(changed);
            String stale = String.format("h%02d", random.nextInt(hostCount));
            fleet.stale.add(stale);
            touched.add(stale);
            TestFleet.HostSpec drained = fleet.host(String.format("h%02d", random.nextInt(hostCount)));
            fleet.health.put(drained.gpus.get(0).uuid, GpuHealth.DRAINING);
            touched.add(drained.hostId);
            if (random.nextBoolean()) {
                after.remove(random.nextInt(after.size()));
            }
            boolean someUntouched = after.stream().anyMatch(h -> !touched.contains(h.hostId()));

            PlacementInput carried = PlacementInputs.from(after, fleet.health, fleet.cordoned, fleet.stale, fleet.nvlink,
                    previous);
            PlacementInput scratch = PlacementInputs.from(after, fleet.health, fleet.cordoned, fleet.stale, fleet.nvlink);

            assertThat(FragmentationReport.of(carried)).isEqualTo(FragmentationReport.of(scratch));
            PlacementEngine engine = new PlacementEngine(50);
            for (PlacementRequest request : requests(random)) {
                for (PlacementPolicy policy : PlacementPolicy.values()) {
                    assertThat(engine.place(request, carried, policy, 20)).as("seed %d %s %s", seed, request, policy)
                            .isEqualTo(engine.place(request, scratch, policy, 20));
                }
            }
            boolean reusedSome = false;
            for (int i = 0; i < carried.gpus.length; i++) {
                PlacementInput.Gpu gpu = carried.gpus[i];
                Integer was = previous.gpuByUuid.get(gpu.uuid());
                reusedSome |= was != null && previous.gpus[was].slots() == gpu.slots();
                if (changed.contains(gpu.hostId()) && was != null) {
                    assertThat(previous.gpus[was].slots()).as("a host that reported again is worked out again")
                            .isNotSameAs(gpu.slots());
                }
            }
            // type indexes follow first sight in host order: a host leaving can renumber them, and then nothing is reused
            boolean sameCatalog = java.util.Arrays.equals(previous.types, carried.types);
            if (someUntouched && sameCatalog) {
                assertThat(reusedSome).as("seed %d reused an unchanged host", seed).isTrue();
            }
            if (!touched.contains(beatHost) && sameCatalog) {
                for (PlacementInput.Gpu gpu : carried.gpus) {
                    if (gpu.hostId().equals(beatHost)) {
                        assertThat(gpu.slots()).as("seed %d: a heartbeat's host is reused", seed)
                                .isSameAs(previous.gpus[previous.gpuByUuid.get(gpu.uuid())].slots());
                    }
                }
            }
        }
    }

    private static List<PlacementRequest> requests(Random random) {
        String[] types = {"nvidia-232", "nvidia-63", "nvidia-476", "nvidia-1052", "nvidia-289", "nvidia-474"};
        List<PlacementRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            PlacementRequest.Builder b = PlacementRequest.builder();
            if (random.nextBoolean()) {
                b.typeId(types[random.nextInt(types.length)]);
            } else {
                b.vgpuClass(VgpuClass.values()[random.nextInt(4)]).minFramebufferMib(1024L << random.nextInt(6));
            }
            int count = random.nextInt(3) == 0 ? 2 : 1;
            b.count(count).nvlinkP2p(count > 1 && random.nextBoolean());
            if (random.nextInt(3) == 0) {
                b.numaNode(random.nextInt(2));
            }
            requests.add(b.build());
        }
        return requests;
    }
}
