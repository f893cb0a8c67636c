package io.vgpufleet.contracts.health;

/** The health-service's verdict on a pGPU. Only HEALTHY pGPUs take new vGPUs. */
public enum GpuHealth {
    HEALTHY,
    DEGRADED,
    DRAINING,
    FAILED
}
