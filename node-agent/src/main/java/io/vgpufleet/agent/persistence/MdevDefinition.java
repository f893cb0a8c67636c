package io.vgpufleet.agent.persistence;

import io.vgpufleet.agent.discovery.SysfsNames;

/**
 * One mdevctl definition: the mdev {@code uuid} of type {@code mdevType} on {@code parentBdf}, started
 * at boot where {@code autoStart}.
 */
public record MdevDefinition(String parentBdf, String uuid, String mdevType, boolean autoStart) {

    public MdevDefinition {
        if (!SysfsNames.isPciBdf(parentBdf) || !SysfsNames.isUuid(uuid) || !SysfsNames.isMdevTypeId(mdevType)) {
            throw new IllegalArgumentException("an mdev definition needs a PCI address, a UUID and an nvidia-<n> type");
        }
    }
}
