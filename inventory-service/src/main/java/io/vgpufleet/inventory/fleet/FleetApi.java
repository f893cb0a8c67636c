package io.vgpufleet.inventory.fleet;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.host.VirtualFunction;
import io.vgpufleet.service.web.NotFoundException;
import io.vgpufleet.service.web.Page;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/hosts} and {@code /api/v1/gpus}: the fleet as inventory knows it. Lists page. */
@RestController
@RequestMapping("/api/v1")
class FleetApi {

    private final FleetView fleet;

    FleetApi(FleetView fleet) {
        this.fleet = fleet;
    }

    @GetMapping("/hosts")
    Page<HostView> hosts(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return Page.of(fleet.hosts().stream().map(HostView::of).toList(), page, size);
    }

    @GetMapping("/hosts/{hostId}")
    HostView host(@PathVariable String hostId) {
        return fleet.host(hostId).map(HostView::of).orElseThrow(() -> new NotFoundException("no host " + hostId));
    }

    @GetMapping("/gpus")
    Page<GpuView> gpus(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return Page.of(fleet.gpus().stream().map(GpuView::of).toList(), page, size);
    }

    @GetMapping("/gpus/{gpuUuid}")
    GpuView gpu(@PathVariable String gpuUuid) {
        return fleet.gpu(gpuUuid).map(GpuView::of).orElseThrow(() -> new NotFoundException("no pGPU " + gpuUuid));
    }

    /** A host with its pGPUs (and their types and capacity) and vGPUs. */
    record HostView(
            String hostId,
            HostKind hostKind,
            String agentVersion,
            Instant observedAt,
            Instant lastSeenAt,
            VgpuManagerStatus vgpuManager,
            List<PhysicalGpu> gpus,
            List<Vgpu> vgpus) {

        static HostView of(FleetView.HostEntry entry) {
            var snapshot = entry.snapshot();
            return new HostView(snapshot.hostId(), snapshot.hostKind(), snapshot.agentVersion(), entry.heardObservedAt(),
                    entry.lastSeenAt(), snapshot.vgpuManager(), snapshot.gpus(), snapshot.vgpus());
        }
    }

    /** A pGPU with its host, types and capacity, VFs and the vGPUs on it. */
    record GpuView(
            String uuid,
            String hostId,
            String pciBdf,
            String model,
            long memoryMib,
            int numaNode,
            String cpuAffinity,
            EccMode eccMode,
            HostKind hostKind,
            boolean heterogeneousMode,
            NvmlFacts nvml,
            List<VgpuTypeCapacity> types,
            List<VirtualFunction> virtualFunctions,
            List<Vgpu> vgpus) {

        static GpuView of(FleetView.GpuEntry entry) {
            PhysicalGpu gpu = entry.gpu();
            return new GpuView(gpu.uuid(), entry.host().snapshot().hostId(), gpu.pciBdf(), gpu.model(), gpu.memoryMib(),
                    gpu.numaNode(), gpu.cpuAffinity(), gpu.eccMode(), gpu.hostKind(), gpu.heterogeneousMode(), gpu.nvml(),
                    gpu.types(), gpu.virtualFunctions(), entry.vgpus());
        }
    }
}
