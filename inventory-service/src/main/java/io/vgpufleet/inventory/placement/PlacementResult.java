package io.vgpufleet.inventory.placement;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to one request: the best candidates, and the rejections summarised so that the answer for
 * an 80,000-pGPU fleet stays small: a count per reason over every rejected pGPU, and a few examples of
 * each. {@link PlacementEngine#explain} gives every reason for one pGPU or host.
 *
 * <p>Every pGPU of the input is either eligible or counted once under a reason:
 * {@code eligibleGpus + sum(rejectionCounts) == totalGpus}. Eligible pGPUs beyond the limit (or, for a
 * multi-vGPU request, not chosen for their host's candidate) are in neither list.
 *
 * @param candidates best first, at most the limit asked for
 * @param eligibleGpus pGPUs that satisfy every rule
 * @param rejectionCounts rejected pGPUs by reason; reasons with none are absent
 * @param rejectionExamples a bounded number per reason, in a stable order
 */
public record PlacementResult(
        List<Candidate> candidates,
        int totalGpus,
        int eligibleGpus,
        Map<RejectionReason, Integer> rejectionCounts,
        List<Rejection> rejectionExamples) {

    public PlacementResult {
        candidates = List.copyOf(candidates);
        rejectionCounts = rejectionCounts.isEmpty()
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new EnumMap<>(rejectionCounts));
        rejectionExamples = List.copyOf(rejectionExamples);
    }

    public int rejectedGpus() {
        return rejectionCounts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
