package io.vgpufleet.contracts.host;

/** How a host exposes vGPUs: the mdev bus (Pascal to Ampere) or NVIDIA's vendor VFIO on SR-IOV VFs. */
public enum HostKind {
    MDEV,
    VENDOR_VFIO
}
