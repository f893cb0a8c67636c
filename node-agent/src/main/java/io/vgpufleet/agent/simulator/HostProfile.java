package io.vgpufleet.agent.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The host shapes the simulator lays out, named as {@code --simulate=<name>} takes them.
 *
 * <p>{@code mixed} (the sandbox's default) puts one GPU of each model in one host: a P4, a T4 and an
 * A100 on the mdev bus and an H100 on vendor VFIO. Real hosts do not mix the two interfaces, but one
 * such host exercises every code path of discovery and of the control plane at once; the snapshot's
 * {@code hostKind} says {@code MDEV} (it has an mdev bus) and each pGPU's own {@code hostKind} says how
 * it is driven.
 */
public enum HostProfile {
    P4(GpuModel.TESLA_P4, GpuModel.TESLA_P4),
    T4(GpuModel.TESLA_T4, GpuModel.TESLA_T4, GpuModel.TESLA_T4, GpuModel.TESLA_T4),
    A100(GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB),
    H100(GpuModel.H100_SXM5_80GB, GpuModel.H100_SXM5_80GB, GpuModel.H100_SXM5_80GB, GpuModel.H100_SXM5_80GB),
    /** Eight A100s on the mdev bus: the footprint benchmark's host (8 pGPUs polled every second). */
    A100X8(GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB,
            GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB, GpuModel.A100_SXM4_40GB),
    MIXED(GpuModel.TESLA_P4, GpuModel.TESLA_T4, GpuModel.A100_SXM4_40GB, GpuModel.H100_SXM5_80GB);

    private final List<GpuModel> gpus;

    HostProfile(GpuModel... gpus) {
        this.gpus = List.of(gpus);
    }

    /** The GPUs in the order they are laid out (and given PCI addresses). */
    public List<GpuModel> gpus() {
        return gpus;
    }

    /** The name {@code --simulate} takes: {@code p4}, {@code t4}, {@code a100}, {@code h100}, {@code a100x8}, {@code mixed}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<HostProfile> named(String name) {
        return Arrays.stream(values()).filter(profile -> profile.optionName().equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(HostProfile::optionName).toList();
    }
}
