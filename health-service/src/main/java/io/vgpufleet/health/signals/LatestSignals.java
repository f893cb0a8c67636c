package io.vgpufleet.health.signals;

import io.vgpufleet.contracts.health.HealthSignal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The latest signal of each kind per pGPU, as last observed by its agent. */
public final class LatestSignals {

    private final Map<String, Map<Class<?>, HealthSignal>> byGpu = new ConcurrentHashMap<>();

    /** Keeps the signal unless one of its kind observed later is already held. */
    public void record(HealthSignal signal) {
        byGpu.computeIfAbsent(signal.gpuUuid(), gpu -> new ConcurrentHashMap<>())
                .merge(signal.getClass(), signal, (held, candidate) ->
                        candidate.observedAt().isBefore(held.observedAt()) ? held : candidate);
    }

    /** The latest signal of each kind for one pGPU, by kind name; empty when none was seen. */
    public Map<String, HealthSignal> of(String gpuUuid) {
        Map<String, HealthSignal> signals = new LinkedHashMap<>();
        List.copyOf(byGpu.getOrDefault(gpuUuid, Map.of()).values()).stream()
                .sorted(java.util.Comparator.comparing(signal -> signal.getClass().getSimpleName()))
                .forEach(signal -> signals.put(signal.getClass().getSimpleName(), signal));
        return signals;
    }
}
