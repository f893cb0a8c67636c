package io.vgpufleet.health.hosts;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.health.policy.GpuConfiguration;
import java.util.Objects;

/**
 * One pGPU as its host's snapshot describes it, re-keyed by pGPU UUID so that the task owning the pGPU's
 * health reads it (see {@link HostSnapshots#facts}). Holds no time, so a heartbeat of an unchanged host gives
 * equal facts and is not sent on. Carries what the policy needs ({@link #configuration()})
 * and dcgm-exporter's labels for the pGPU's meters.
 *
 * @param index the pGPU's NVML index on its host (dcgm-exporter's {@code gpu} label): its position in PCI bus
 *     order, the order in which NVML enumerates devices
 * @param pciBusId NVML's form of the PCI address, {@code 00000000:3B:00.0} (dcgm-exporter's {@code pci_bus_id})
 * @param model the model name the host reports (dcgm-exporter's {@code modelName})
 */
public record GpuFacts(
        String hostId,
        String gpuUuid,
        int index,
        String pciBusId,
        String model,
        EccMode eccMode,
        boolean servesComputeTypes,
        int hostedVgpus) {

    public GpuFacts {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(gpuUuid, "gpuUuid");
        Objects.requireNonNull(pciBusId, "pciBusId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(eccMode, "eccMode");
        if (index < 0 || hostedVgpus < 0) {
            throw new IllegalArgumentException("index and hostedVgpus must not be negative");
        }
    }

    /** dcgm-exporter's {@code device} label: the device node's name, {@code nvidia<index>}. */
    public String device() {
        return "nvidia" + index;
    }

    /** What the policy reads: ECC off only where the host says OFF. */
    public GpuConfiguration configuration() {
        return new GpuConfiguration(hostId, gpuUuid, eccMode != EccMode.OFF, servesComputeTypes, hostedVgpus);
    }
}
