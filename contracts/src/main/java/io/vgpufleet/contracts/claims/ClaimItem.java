package io.vgpufleet.contracts.claims;

import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.validUuid;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

/**
 * One vGPU of a claim: the pGPU it goes on, its type, and the UUID the caller will create it with (so that
 * the host's snapshot can confirm the claim).
 */
public record ClaimItem(String gpuUuid, String pciBdf, String typeId, String vgpuUuid, int numaNode) {

    public ClaimItem {
        validGpuUuid(gpuUuid, "gpuUuid");
        validPciBdf(pciBdf, "pciBdf");
        vgpuTypeId(typeId, "typeId");
        validUuid(vgpuUuid, "vgpuUuid");
        nonNegative(numaNode, "numaNode");
    }
}
