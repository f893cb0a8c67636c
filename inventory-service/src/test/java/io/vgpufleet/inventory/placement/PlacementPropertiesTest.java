package io.vgpufleet.inventory.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.inventory.placement.TestFleet.GpuSpec;
import io.vgpufleet.inventory.placement.TestFleet.Model;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For random fleets and requests, every candidate satisfies every rule (checked by a predicate written
 * here from the snapshots, independent of the engine's precomputation), no candidate is also rejected,
 * and every pGPU is accounted for exactly once.
 *
 * <p>Seeded parameterised runs rather than jqwik: jqwik is not on this module's test classpath.
 */
class PlacementPropertiesTest {

    private static final List<Model> MODELS = List.of(TestFleet.P4, TestFleet.T4, TestFleet.A100, TestFleet.H100);

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyCandidateSatisfiesEveryRuleAndNoCandidateIsRejected(long seed) {
        Random random = new Random(seed);
        TestFleet fleet = randomFleet(random, seed % 10 == 0 ? 40 : 6);
        PlacementInput input = fleet.input();
        List<HostSnapshot> snapshots = fleet.snapshots();
        PlacementRequest request = randomRequest(random, snapshots);
        PlacementPolicy policy = random.nextBoolean() ? PlacementPolicy.PACK : PlacementPolicy.SPREAD;

        int limit = 1 + random.nextInt(10);
        PlacementResult result = new PlacementEngine(1000).place(request, input, policy, limit);

        Set<String> candidateGpus = new HashSet<>();
        for (Candidate candidate : result.candidates()) {
            HostSnapshot host = snapshots.stream().filter(h -> h.hostId().equals(candidate.hostId())).findFirst().orElseThrow();
            assertThat(candidate.gpus()).hasSize(request.count());
            assertThat(candidate.gpus()).extracting(Candidate.Slot::gpuUuid).doesNotHaveDuplicates();
            assertThat(candidate.gpus()).extracting(Candidate.Slot::typeId).containsOnly(candidate.typeId());
            for (Candidate.Slot slot : candidate.gpus()) {
                PhysicalGpu gpu = host.gpus().stream().filter(g -> g.uuid().equals(slot.gpuUuid())).findFirst().orElseThrow();
                assertThat(satisfiesEveryRule(fleet, host, gpu, slot.typeId(), request))
                        .as("seed %d: %s %s on %s for %s", seed, candidate.hostId(), slot.typeId(), gpu.uuid(), request)
                        .isTrue();
                candidateGpus.add(slot.gpuUuid());
            }
            if (request.nvlinkP2p()) {
                for (Candidate.Slot a : candidate.gpus()) {
                    for (Candidate.Slot b : candidate.gpus()) {
                        if (!a.equals(b)) {
                            assertThat(fleet.nvlink.getOrDefault(host.hostId(), List.of()))
                                    .contains(NvlinkLink.of(a.gpuUuid(), b.gpuUuid()));
                        }
                    }
                }
            }
        }
        assertThat(result.candidates()).extracting(Candidate::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(result.rejectionExamples()).extracting(Rejection::gpuUuid).noneMatch(candidateGpus::contains);
        assertThat(result.eligibleGpus() + result.rejectedGpus()).isEqualTo(result.totalGpus()).isEqualTo(input.gpuCount());
        // every rejection is listed, but where more than the input keeps examples of (precomputed reasons)
        result.rejectionCounts().forEach((reason, count) -> {
            long listed = result.rejectionExamples().stream().filter(r -> r.reason() == reason).count();
            if (count <= PlacementInput.PRECOMPUTED_EXAMPLES) {
                assertThat(listed).as("seed %d: examples of %s", seed, reason).isEqualTo(count.longValue());
            } else {
                assertThat(listed).as("seed %d: examples of %s", seed, reason)
                        .isBetween((long) PlacementInput.PRECOMPUTED_EXAMPLES, (long) count);
            }
        });
        if (request.count() == 1) {
            Set<String> satisfying = new HashSet<>();
            for (HostSnapshot host : snapshots) {
                for (PhysicalGpu gpu : host.gpus()) {
                    if (gpu.types().stream().anyMatch(t -> satisfiesEveryRule(fleet, host, gpu, t.typeId(), request))) {
                        satisfying.add(gpu.uuid());
                    }
                }
            }
            assertThat(result.eligibleGpus()).as("seed %d: eligible pGPUs for %s", seed, request).isEqualTo(satisfying.size());
            if (satisfying.size() <= limit) {
                assertThat(candidateGpus).as("seed %d: every eligible pGPU is a candidate", seed).isEqualTo(satisfying);
            }
        }
        for (Rejection rejection : result.rejectionExamples()) {
            assertThat(new PlacementEngine().explain(request, input, rejection.gpuUuid()))
                    .hasValueSatisfying(v -> assertThat(v.eligible()).as("seed %d %s", seed, rejection).isFalse());
        }
    }

    /** The rules, straight from the snapshot. */
    private static boolean satisfiesEveryRule(TestFleet fleet, HostSnapshot host, PhysicalGpu gpu, String typeId,
            PlacementRequest request) {
        boolean eccBlocked = host.vgpuManager().problems().stream().anyMatch(p -> p.toUpperCase(Locale.ROOT).contains("ECC"))
                && gpu.eccMode() == EccMode.ON;
        if (fleet.stale.contains(host.hostId()) || !host.vgpuManager().running() || fleet.cordoned.contains(gpu.uuid())
                || fleet.health.getOrDefault(gpu.uuid(), GpuHealth.HEALTHY) != GpuHealth.HEALTHY || eccBlocked) {
            return false;
        }
        VgpuTypeCapacity type = gpu.types().stream().filter(t -> t.typeId().equals(typeId)).findFirst().orElse(null);
        if (type == null || (request.typeId() != null && !request.typeId().equals(typeId))
                || (request.vgpuClass() != null && request.vgpuClass() != type.vgpuClass())
                || type.framebufferMib() < request.minFramebufferMib()) {
            return false;
        }
        if (request.count() > 1 && !(type.maxInstances() == 1 || type.framebufferMib() == gpu.memoryMib())) {
            return false;
        }
        List<Vgpu> resident = host.vgpus().stream().filter(v -> v.gpuUuid().equals(gpu.uuid())).toList();
        if (!gpu.heterogeneousMode() && resident.stream().anyMatch(v -> !v.typeId().equals(typeId))) {
            return false;
        }
        long sameType = resident.stream().filter(v -> v.typeId().equals(typeId)).count();
        if (sameType >= type.maxInstances() || type.availableInstances() <= 0) {
            return false;
        }
        return (!request.eccRequired() || gpu.eccMode() == EccMode.ON)
                && (request.hosts().isEmpty() || request.hosts().contains(host.hostId()))
                && (request.gpus().isEmpty() || request.gpus().contains(gpu.uuid()))
                && !request.avoidHosts().contains(host.hostId())
                && !request.avoidGpus().contains(gpu.uuid())
                && (request.numaNode() == null || request.numaNode() == gpu.numaNode());
    }

    private static TestFleet randomFleet(Random random, int maxHosts) {
        TestFleet fleet = new TestFleet();
        int hosts = 1 + random.nextInt(maxHosts);
        for (int h = 0; h < hosts; h++) {
            TestFleet.HostSpec host = fleet.host("h" + h);
            Model model = MODELS.get(random.nextInt(MODELS.size()));
            if (random.nextInt(6) == 0) {
                host.problem("vGPU not supported with ECC Enabled");
            }
            host.running = random.nextInt(15) != 0;
            if (random.nextInt(10) == 0) {
                fleet.stale.add(host.hostId);
            }
            int gpus = 1 + random.nextInt(4);
            List<GpuSpec> added = new ArrayList<>();
            for (int g = 0; g < gpus; g++) {
                GpuSpec gpu = host.gpu(model).numa(random.nextInt(2)).ecc(EccMode.values()[random.nextInt(3)]);
                if (random.nextInt(4) == 0) {
                    gpu.heterogeneous();
                }
                int fills = random.nextInt(3);
                for (int f = 0; f < fills; f++) {
                    TestFleet.TypeSpec type = model.types().get(random.nextInt(model.types().size()));
                    if (gpu.heterogeneous || gpu.residents.isEmpty() || gpu.residents.containsKey(type.typeId())) {
                        gpu.with(type.typeId(), 1 + random.nextInt(Math.max(1, type.maxInstances())));
                    }
                }
                if (!fits(gpu)) {
                    gpu.residents.clear();
                }
                switch (random.nextInt(12)) {
                    case 0 -> fleet.cordoned.add(gpu.uuid);
                    case 1 -> fleet.health.put(gpu.uuid, GpuHealth.values()[1 + random.nextInt(3)]);
                    default -> { }
                }
                for (GpuSpec other : added) {
                    if (random.nextInt(3) > 0) {
                        host.link(other, gpu);
                    }
                }
                added.add(gpu);
            }
        }
        return fleet;
    }

    private static boolean fits(GpuSpec gpu) {
        long used = 0;
        for (TestFleet.TypeSpec type : gpu.model.types()) {
            int n = gpu.residents.getOrDefault(type.typeId(), 0);
            if (n > type.maxInstances()) {
                return false;
            }
            used += n * type.framebufferMib();
        }
        return used <= gpu.model.memoryMib();
    }

    private static PlacementRequest randomRequest(Random random, List<HostSnapshot> snapshots) {
        List<PhysicalGpu> gpus = snapshots.stream().flatMap(h -> h.gpus().stream()).toList();
        PlacementRequest.Builder builder = PlacementRequest.builder();
        if (random.nextBoolean()) {
            PhysicalGpu gpu = gpus.get(random.nextInt(gpus.size()));
            builder.typeId(gpu.types().get(random.nextInt(gpu.types().size())).typeId());
        } else {
            if (random.nextBoolean()) {
                builder.vgpuClass(VgpuClass.values()[random.nextInt(VgpuClass.values().length)]);
            }
            builder.minFramebufferMib(random.nextInt(3) == 0 ? 0 : 1024L << random.nextInt(7));
        }
        int count = random.nextInt(3) == 0 ? 2 + random.nextInt(2) : 1;
        builder.count(count).nvlinkP2p(count > 1 && random.nextBoolean()).eccRequired(random.nextInt(5) == 0);
        if (random.nextInt(4) == 0) {
            builder.numaNode(random.nextInt(2));
        }
        if (random.nextInt(5) == 0) {
            builder.hosts(Set.of(snapshots.get(random.nextInt(snapshots.size())).hostId()));
        }
        if (random.nextInt(5) == 0) {
            builder.avoidHosts(Set.of(snapshots.get(random.nextInt(snapshots.size())).hostId()));
        }
        if (random.nextInt(6) == 0) {
            builder.gpus(new HashSet<>(List.of(gpus.get(random.nextInt(gpus.size())).uuid(),
                    gpus.get(random.nextInt(gpus.size())).uuid())));
        }
        if (random.nextInt(6) == 0) {
            builder.avoidGpus(Set.of(gpus.get(random.nextInt(gpus.size())).uuid()));
        }
        return builder.build();
    }
}
