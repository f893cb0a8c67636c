package io.vgpufleet.contracts.migration;

/** What a migration saga undoes when it cannot finish, in the order it undoes them. */
public enum Compensation {
    /** Remove the vGPU that PREPARE_TARGET created (or may have created) on the target host. */
    REMOVE_TARGET_VGPU,
    /** Give the target capacity claimed in CLAIM_TARGET back to the inventory. */
    RELEASE_CLAIM
}
