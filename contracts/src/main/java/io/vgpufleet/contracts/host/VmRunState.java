package io.vgpufleet.contracts.host;

/** Whether the VM holding a vGPU runs, as the hypervisor says: running, paused (suspended) or defined but off. */
public enum VmRunState {
    RUNNING,
    PAUSED,
    SHUT_OFF
}
