package io.vgpufleet.health.hosts;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Pure: a host snapshot to the facts of each of its pGPUs. */
public final class HostSnapshots {

    private HostSnapshots() {}

    /**
     * The facts of every pGPU of the snapshot, in NVML index order (PCI bus order). A vGPU counts as compute
     * when its type, looked up in its pGPU's types, is of class C; a vGPU whose type the pGPU does not list
     * counts towards {@code hostedVgpus} but not as compute.
     */
    public static List<GpuFacts> facts(HostSnapshot snapshot) {
        List<PhysicalGpu> byBus = snapshot.gpus().stream()
                .sorted(Comparator.comparing(gpu -> gpu.pciBdf().toLowerCase(Locale.ROOT)))
                .toList();
        List<GpuFacts> facts = new ArrayList<>(byBus.size());
        for (int index = 0; index < byBus.size(); index++) {
            PhysicalGpu gpu = byBus.get(index);
            Map<String, VgpuTypeCapacity> types = gpu.types().stream()
                    .collect(Collectors.toMap(VgpuTypeCapacity::typeId, Function.identity(), (a, b) -> a));
            List<Vgpu> hosted = snapshot.vgpus().stream().filter(vgpu -> vgpu.gpuUuid().equals(gpu.uuid())).toList();
            boolean compute = hosted.stream().map(vgpu -> types.get(vgpu.typeId())).filter(Objects::nonNull)
                    .anyMatch(type -> type.vgpuClass() == VgpuClass.C);
            facts.add(new GpuFacts(snapshot.hostId(), gpu.uuid(), index, nvmlBusId(gpu.pciBdf()), gpu.model(),
                    gpu.eccMode(), compute, hosted.size()));
        }
        return facts;
    }

    /**
     * NVML's bus id for a sysfs PCI address: the domain widened to 8 hex digits, upper case
     * ({@code 0000:3b:00.0} to {@code 00000000:3B:00.0}), as dcgm-exporter labels it.
     */
    static String nvmlBusId(String pciBdf) {
        String upper = pciBdf.toUpperCase(Locale.ROOT);
        int colon = upper.indexOf(':');
        String domain = upper.substring(0, colon);
        return "0".repeat(Math.max(0, 8 - domain.length())) + upper;
    }
}
