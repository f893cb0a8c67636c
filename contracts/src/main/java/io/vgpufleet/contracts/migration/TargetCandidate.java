package io.vgpufleet.contracts.migration;

import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.validPciBdf;

/**
 * A target pGPU that passed the migration policy, with what its agent said about compatibility so far.
 *
 * @param compatibility {@code UNCHECKED} until the target's agent answers {@code CheckMigrationCompatibility}
 */
public record TargetCandidate(String hostId, String gpuUuid, String pciBdf, Compatibility compatibility) {

    /** The target agent's verdict on one candidate. */
    public enum Compatibility {
        UNCHECKED,
        COMPATIBLE
    }

    public TargetCandidate {
        validHostId(hostId, "hostId");
        validGpuUuid(gpuUuid, "gpuUuid");
        validPciBdf(pciBdf, "pciBdf");
        present(compatibility, "compatibility");
    }

    public TargetCandidate with(Compatibility verdict) {
        return new TargetCandidate(hostId, gpuUuid, pciBdf, verdict);
    }
}
