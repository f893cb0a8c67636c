package io.vgpufleet.inventory.placement;

/**
 * How candidates that satisfy every rule are ranked.
 *
 * <ul>
 *   <li>{@link #PACK}: fill what is already in use. Partly used pGPUs come first, then the pGPU left with
 *       the fewest free slots after the placement, then the fuller host, so empty pGPUs stay whole for
 *       large and 1:1 types (least fragmentation).
 *   <li>{@link #SPREAD}: the emptiest pGPU first, then the least loaded host, to limit the blast radius of
 *       a GPU or host failure and to leave noisy neighbours apart.
 * </ul>
 *
 * Ties break on host id, then PCI address, so the same input always ranks the same way.
 */
public enum PlacementPolicy {
    PACK,
    SPREAD
}
