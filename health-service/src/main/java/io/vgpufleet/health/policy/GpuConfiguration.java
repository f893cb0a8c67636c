package io.vgpufleet.health.policy;

import java.util.Objects;

/**
 * What the policy needs to know about a pGPU's configuration rather than its signals, as its host's latest
 * snapshot says: whether ECC is on, whether it serves compute (C-series) vGPUs, and how many vGPUs it hosts.
 * The adapter derives it from every host snapshot and feeds it with {@link HealthPolicyEngine#configure}.
 *
 * @param eccEnabled false only where NVML reports ECC off; an unknown ECC mode counts as on (no evidence)
 * @param servesComputeTypes the pGPU hosts at least one vGPU of a C-series type
 * @param hostedVgpus how many vGPUs live on the pGPU now: a DRAINING or FAILED pGPU with none needs no drain
 */
public record GpuConfiguration(
        String hostId, String gpuUuid, boolean eccEnabled, boolean servesComputeTypes, int hostedVgpus) {

    public GpuConfiguration {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(gpuUuid, "gpuUuid");
        if (hostedVgpus < 0) {
            throw new IllegalArgumentException("hostedVgpus must not be negative, was " + hostedVgpus);
        }
    }
}
