package io.vgpufleet.contracts.lifecycle;

/** A request-wide step in flight (device commands are tracked per {@link VgpuDevice}). */
public enum OperationKind {
    /** Asking the inventory for a claim. */
    CLAIM,
    /** Giving the claim back. */
    RELEASE_CLAIM,
    /** {@code SuspendVm} sent. */
    SUSPEND,
    /** {@code ResumeVm} sent. */
    RESUME
}
