package io.vgpufleet.lifecycle.vgpus.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A host may have mdev and vendor-VFIO pGPUs side by side: the device definition follows the pGPU. */
class VgpuApiHostKindTest {

    private static final String MDEV_GPU = "GPU-7d810439-7944-68c2-adfb-e6cc5f58b94c";
    private static final String VF_GPU = "GPU-9e97a75f-1111-4222-8333-944455556666";

    @Test
    void onAMixedHostEachPgpuKeepsItsOwnKind() {
        // the host-level kind says MDEV (it has an mdev parent); the H100 beside it is vendor VFIO
        HostSnapshot mixed = new HostSnapshot("sim-01", 1, Instant.parse("2026-12-02T00:00:00Z"), "test", HostKind.MDEV,
                new VgpuManagerStatus(true, "580.95", List.of()),
                List.of(gpu(MDEV_GPU, "0000:3b:00.0", HostKind.MDEV), gpu(VF_GPU, "0000:af:00.0", HostKind.VENDOR_VFIO)),
                List.of());

        assertThat(VgpuApi.onVendorVfio(mixed, VF_GPU)).isTrue();
        assertThat(VgpuApi.onVendorVfio(mixed, MDEV_GPU)).isFalse();
    }

    @Test
    void anUnknownHostOrPgpuIsNotTakenForVendorVfio() {
        assertThat(VgpuApi.onVendorVfio(null, VF_GPU)).isFalse();
        HostSnapshot empty = new HostSnapshot("sim-01", 1, Instant.parse("2026-12-02T00:00:00Z"), "test",
                HostKind.VENDOR_VFIO, new VgpuManagerStatus(true, "580.95", List.of()), List.of(), List.of());
        assertThat(VgpuApi.onVendorVfio(empty, VF_GPU)).isFalse();
        assertThat(VgpuApi.onVendorVfio(empty, null)).isFalse();
    }

    private static PhysicalGpu gpu(String uuid, String bdf, HostKind kind) {
        return new PhysicalGpu(uuid, bdf, "NVIDIA H100", 81559, 0, "0-15", EccMode.ON, kind, false,
                new NvmlFacts(NvmlFacts.AVAILABLE, null, null), List.of(), List.of());
    }
}
