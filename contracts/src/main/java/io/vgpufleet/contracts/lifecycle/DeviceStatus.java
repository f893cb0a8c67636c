package io.vgpufleet.contracts.lifecycle;

/** Where one vGPU of a request is on its host. */
public enum DeviceStatus {
    /** Placed by the claim; nothing asked of the host yet. */
    PLANNED,
    /** {@code CreateVgpu} sent; it may exist on the host already. */
    CREATING,
    /** The agent's reply or a snapshot confirmed it. */
    CREATED,
    /** {@code RemoveVgpu} sent; it may still exist. */
    REMOVING,
    /** Confirmed gone (or never made). */
    REMOVED
}
