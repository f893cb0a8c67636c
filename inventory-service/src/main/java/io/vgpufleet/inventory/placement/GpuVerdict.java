package io.vgpufleet.inventory.placement;

import java.util.List;

/**
 * Every reason one pGPU cannot take a request, for an operator asking "why not this one?". Reasons
 * about a type carry its id: for a request by constraints each supported type that cannot serve is
 * listed with what stops it, so a pGPU can be {@code eligible} (one type serves) and still list reasons
 * for its other types. Reasons without a type id concern the pGPU or its host and always exclude it.
 */
public record GpuVerdict(String hostId, String gpuUuid, String pciBdf, boolean eligible, List<Rejection> reasons) {

    public GpuVerdict {
        reasons = List.copyOf(reasons);
    }
}
