package io.vgpufleet.inventory.placement;

import org.jspecify.annotations.Nullable;

/**
 * One reason one pGPU cannot take a request.
 *
 * @param typeId the type the reason is about; absent where it is about the pGPU or host as a whole
 * @param detail human text with the values that decided it ({@code "nvidia-289: 4 of 4 resident"})
 */
public record Rejection(
        String hostId, String gpuUuid, String pciBdf, @Nullable String typeId, RejectionReason reason, String detail) {}
