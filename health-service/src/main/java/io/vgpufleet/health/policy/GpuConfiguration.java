package io.vgpufleet.health.policy;

/**
 * What the policy needs to know about a pGPU's configuration rather than its signals: whether ECC is on and
 * whether it serves compute (C-series) vGPU types. The seam for host snapshots: the adapter feeds it with
 * {@link HealthPolicyEngine#configure} once it reads the host-snapshot topic (not yet wired, see DESIGN.md).
 */
public record GpuConfiguration(String hostId, String gpuUuid, boolean eccEnabled, boolean servesComputeTypes) {}
