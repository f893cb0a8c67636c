package io.vgpufleet.contracts.host;

import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import org.jspecify.annotations.Nullable;

/**
 * One vGPU type a pGPU supports and how many more of it the pGPU can take now. Its strings are interned: every
 * component that holds a fleet's snapshots holds tens of types per pGPU, all with the same few names.
 *
 * @param typeId mdev type id ({@code nvidia-289}) or, on vendor-VFIO hosts, the numeric type id
 * @param name the driver's name, e.g. {@code GRID P4-8C}
 * @param framebufferMib frame buffer per instance
 * @param maxInstances the most instances of this type one pGPU holds
 * @param availableInstances how many more can be created now ({@code available_instances})
 * @param frameRateLimit {@code frl config}; 0 where the driver sets none
 * @param migrationVersion the type's {@code migration_version} string where the host has one
 */
public record VgpuTypeCapacity(
        String typeId,
        String name,
        VgpuClass vgpuClass,
        long framebufferMib,
        int maxInstances,
        int availableInstances,
        int numHeads,
        int frameRateLimit,
        String maxResolution,
        String deviceApi,
        @Nullable String migrationVersion) {

    public VgpuTypeCapacity {
        vgpuTypeId(typeId, "typeId");
        nonBlank(name, "name");
        present(vgpuClass, "vgpuClass");
        nonNegative(framebufferMib, "framebufferMib");
        nonNegative(maxInstances, "maxInstances");
        nonNegative(availableInstances, "availableInstances");
        if (availableInstances > maxInstances) {
            throw new IllegalArgumentException("availableInstances " + availableInstances
                    + " exceeds maxInstances " + maxInstances + " for " + typeId);
        }
        nonNegative(numHeads, "numHeads");
        nonNegative(frameRateLimit, "frameRateLimit");
        present(maxResolution, "maxResolution");
        nonBlank(deviceApi, "deviceApi");
        // a fleet's hosts report the same few types: one copy of each string, not one per pGPU and snapshot
        typeId = typeId.intern();
        name = name.intern();
        maxResolution = maxResolution.intern();
        deviceApi = deviceApi.intern();
        migrationVersion = migrationVersion == null ? null : migrationVersion.intern();
    }
}
