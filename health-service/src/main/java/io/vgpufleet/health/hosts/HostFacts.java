package io.vgpufleet.health.hosts;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The facts last sent on for each pGPU of one host: what a new snapshot is compared with. */
public record HostFacts(List<GpuFacts> gpus) {

    public HostFacts {
        gpus = List.copyOf(gpus);
    }

    /** The facts of {@code next} that differ from these (new pGPUs included), in {@code next}'s order. */
    public List<GpuFacts> changedIn(List<GpuFacts> next) {
        Map<String, GpuFacts> before = gpus.stream()
                .collect(Collectors.toMap(GpuFacts::gpuUuid, Function.identity(), (a, b) -> b));
        return next.stream().filter(facts -> !facts.equals(before.get(facts.gpuUuid()))).toList();
    }
}
