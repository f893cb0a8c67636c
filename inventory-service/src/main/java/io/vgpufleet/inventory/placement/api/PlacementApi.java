package io.vgpufleet.inventory.placement.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.inventory.fleet.InventoryMetrics;
import io.vgpufleet.inventory.placement.Candidate;
import io.vgpufleet.inventory.placement.FragmentationReport;
import io.vgpufleet.inventory.placement.FragmentationReport.TypeHeadroom;
import io.vgpufleet.inventory.placement.PlacementEngine;
import io.vgpufleet.inventory.placement.PlacementResult;
import io.vgpufleet.inventory.placement.Rejection;
import io.vgpufleet.inventory.placement.RejectionReason;
import io.vgpufleet.service.web.InvalidFieldException;
import io.vgpufleet.service.web.NotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/placements}: where a VM's vGPUs can go, best first, and why every other pGPU
 * cannot. {@code GET /api/v1/capacity[?type=nvidia-289]}: how many more instances of each type the fleet
 * can take. Both read the input {@link PlacementInputSource} holds; neither changes anything (claims do).
 */
@RestController
@RequestMapping("/api/v1")
class PlacementApi {

    private final PlacementInputSource inputs;
    private final PlacementEngine engine = new PlacementEngine();
    private final Timer placed;
    private final Timer unplaced;

    PlacementApi(PlacementInputSource inputs, MeterRegistry meters) {
        this.inputs = inputs;
        this.placed = placementTimer(meters, "placed");
        this.unplaced = placementTimer(meters, "none");
    }

    private static Timer placementTimer(MeterRegistry meters, String outcome) {
        return Timer.builder(InventoryMetrics.PLACEMENT_DURATION)
                .description("time to rank the candidates of a placement request")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(meters);
    }

    @PostMapping("/placements")
    PlacementAnswer place(@RequestBody Map<String, Object> body) {
        PlacementQuery query = PlacementQuery.of(body);
        long start = System.nanoTime();
        PlacementInputSource.Built built = inputs.current();
        PlacementResult result = engine.place(query.request(), built.input(), query.policy(), query.limit());
        (result.candidates().isEmpty() ? unplaced : placed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return PlacementAnswer.of(result, query, built);
    }

    @GetMapping("/capacity")
    CapacityAnswer capacity(@RequestParam(required = false) @Nullable String type) {
        PlacementInputSource.Built built = inputs.current();
        FragmentationReport report = built.capacityReport();
        List<TypeHeadroom> types = report.types();
        if (type != null) {
            try {
                Checks.vgpuTypeId(type, "type");
            } catch (IllegalArgumentException refused) {
                throw new InvalidFieldException("type", String.valueOf(refused.getMessage()).replaceFirst("^type ", ""));
            }
            types = List.of(report.forType(type).orElseThrow(() -> new NotFoundException("no pGPU of the fleet lists type "
                    + type)));
        }
        return new CapacityAnswer(types, built.fleetVersion(), built.builtAt());
    }

    /**
     * @param candidates best first, at most the limit asked for
     * @param rejections per reason (in the rules' order): how many pGPUs, and a few of them
     * @param fleetVersion the fleet view version the answer was worked out on
     */
    record PlacementAnswer(
            List<CandidateView> candidates,
            String policy,
            int totalGpus,
            int eligibleGpus,
            List<RejectionSummary> rejections,
            long fleetVersion,
            Instant inputBuiltAt) {

        static PlacementAnswer of(PlacementResult result, PlacementQuery query, PlacementInputSource.Built built) {
            List<CandidateView> candidates = new ArrayList<>(result.candidates().size());
            for (Candidate candidate : result.candidates()) {
                candidates.add(new CandidateView(candidates.size() + 1, candidate.hostId(), candidate.score(),
                        candidate.gpus()));
            }
            List<RejectionSummary> rejections = new ArrayList<>();
            for (Map.Entry<RejectionReason, Integer> entry : result.rejectionCounts().entrySet()) {
                List<RejectionExample> examples = result.rejectionExamples().stream()
                        .filter(rejection -> rejection.reason() == entry.getKey())
                        .map(RejectionExample::of)
                        .toList();
                rejections.add(new RejectionSummary(entry.getKey(), entry.getKey().description(), entry.getValue(),
                        examples));
            }
            return new PlacementAnswer(candidates, query.policy().name(), result.totalGpus(), result.eligibleGpus(),
                    rejections, built.fleetVersion(), built.builtAt());
        }
    }

    /** One place the request can go: a host and, per vGPU, the pGPU and the type to create. */
    record CandidateView(int rank, String hostId, double score, List<Candidate.Slot> gpus) {}

    record RejectionSummary(RejectionReason reason, String description, int count, List<RejectionExample> examples) {}

    record RejectionExample(String hostId, String gpuUuid, String pciBdf, @Nullable String typeId, String detail) {

        static RejectionExample of(Rejection rejection) {
            return new RejectionExample(rejection.hostId(), rejection.gpuUuid(), rejection.pciBdf(), rejection.typeId(),
                    rejection.detail());
        }
    }

    /** Headroom per type (one entry when a type was asked for), and the fleet view version it was worked out on. */
    record CapacityAnswer(List<TypeHeadroom> types, long fleetVersion, Instant inputBuiltAt) {}
}
