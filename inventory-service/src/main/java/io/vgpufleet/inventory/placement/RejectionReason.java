package io.vgpufleet.inventory.placement;

/**
 * Why a pGPU cannot take a request. A pGPU that fails several rules is counted once, under the rule
 * that comes latest in this order (the one it got furthest to), so the counts of a
 * {@link PlacementResult} add up to the rejected pGPUs; {@link PlacementEngine#explain} lists them all.
 *
 * <p>The order is: the pGPU's own state (independent of the request), then whether it has a type of the
 * requested kind, then that type's capacity on it, then the request's constraints on the pGPU, then the
 * host-wide conditions of a multi-vGPU request.
 */
public enum RejectionReason {
    GPU_UUID_CONFLICT("the pGPU's UUID is reported by more than one host: which host has it is unknown, so no host"
            + " gets a vGPU on it until only one reports it"),
    HOST_STALE("the host's snapshot is stale: its agent has not reported recently"),
    VGPU_MANAGER_DOWN("the host's nvidia-vgpu-mgr is not running"),
    CORDONED("the pGPU is cordoned"),
    UNHEALTHY("the pGPU is degraded, draining or failed"),
    ECC_BLOCKS_VGPU("the host driver refuses vGPUs while ECC is on, and ECC is on"),
    TYPE_NOT_SUPPORTED("the pGPU supports no vGPU type of the requested kind"),
    CLASS_MISMATCH("no supported type is of the requested class"),
    FRAMEBUFFER_TOO_SMALL("no supported type of the class has enough framebuffer"),
    NOT_FULL_FRAMEBUFFER("a multi-vGPU VM needs a 1:1 (full framebuffer) type"),
    OTHER_TYPE_RESIDENT("the pGPU is homogeneous and already hosts another type"),
    MAX_INSTANCES("the pGPU already holds the type's maximum number of instances"),
    NO_CAPACITY("no instance of the type is available on the pGPU"),
    ECC_REQUIRED("the request needs ECC on and the pGPU's ECC is not on"),
    AFFINITY("the pGPU or its host is outside the request's affinity set"),
    ANTI_AFFINITY("the pGPU or its host is in the request's anti-affinity set"),
    NUMA_MISMATCH("the pGPU is on another NUMA node than requested"),
    NOT_ENOUGH_GPUS_ON_HOST("the host has too few eligible pGPUs for the multi-vGPU VM"),
    NO_NVLINK_PEERS("the host's eligible pGPUs are not linked by NVLink as P2P needs");

    private final String description;

    RejectionReason(String description) {
        this.description = description;
    }

    /** Human text for the code, the same for every pGPU; a {@link Rejection}'s detail is specific. */
    public String description() {
        return description;
    }
}
