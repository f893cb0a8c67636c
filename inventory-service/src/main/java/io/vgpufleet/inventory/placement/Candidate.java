package io.vgpufleet.inventory.placement;

import java.util.List;

/**
 * Where a request can go: one host and, for each requested vGPU, a distinct pGPU with the type to create
 * on it. Higher {@code score} ranks first under the policy asked for; scores compare only within one
 * answer.
 */
public record Candidate(String hostId, List<Slot> gpus, double score) {

    public Candidate {
        gpus = List.copyOf(gpus);
        if (gpus.isEmpty()) {
            throw new IllegalArgumentException("a candidate names at least one pGPU");
        }
    }

    /** A pGPU of the candidate and the vGPU type to create on it. */
    public record Slot(String gpuUuid, String pciBdf, String typeId, int numaNode) {}

    /** The first (for a single-vGPU request, the only) pGPU. */
    public String gpuUuid() {
        return gpus.get(0).gpuUuid();
    }

    public String pciBdf() {
        return gpus.get(0).pciBdf();
    }

    public String typeId() {
        return gpus.get(0).typeId();
    }
}
