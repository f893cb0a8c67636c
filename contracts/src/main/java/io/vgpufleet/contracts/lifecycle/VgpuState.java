package io.vgpufleet.contracts.lifecycle;

/** The states of a vGPU request, from the API call to a running VM's device. */
public enum VgpuState {
    REQUESTED,
    PLACED,
    CREATING,
    CREATED,
    ATTACHED,
    RUNNING,
    SUSPENDED,
    DESTROYING,
    DESTROYED,
    FAILED
}
