package io.vgpufleet.migration.fleet;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.host.HostSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * The latest host snapshot of every host (an older snapshot of a host, by observation time, is ignored)
 * and the latest health verdict of every pGPU. Thread-safe; filled by the Kafka bindings.
 */
public final class FleetState {

    private final Map<String, HostSnapshot> hosts = new ConcurrentHashMap<>();
    private final Map<String, GpuHealth> health = new ConcurrentHashMap<>();

    /** Keeps the snapshot unless one observed later is already held; answers whether it was kept. */
    public boolean apply(HostSnapshot snapshot) {
        HostSnapshot kept = hosts.merge(snapshot.hostId(), snapshot,
                (old, fresh) -> fresh.observedAt().isBefore(old.observedAt()) ? old : fresh);
        return kept == snapshot;
    }

    public void apply(GpuHealthChanged change) {
        health.put(change.gpuUuid(), change.current());
    }

    public Optional<HostSnapshot> host(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    /** A {@link Fleet} over this state, counting migrations into each host with {@code into}. */
    public Fleet view(ToIntFunction<String> into) {
        return new Fleet() {
            @Override
            public Optional<HostSnapshot> host(String hostId) {
                return FleetState.this.host(hostId);
            }

            @Override
            public Collection<HostSnapshot> hosts() {
                return List.copyOf(hosts.values());
            }

            @Override
            public boolean healthy(String gpuUuid) {
                return health.getOrDefault(gpuUuid, GpuHealth.HEALTHY) == GpuHealth.HEALTHY;
            }

            @Override
            public int migrationsInto(String hostId) {
                return into.applyAsInt(hostId);
            }
        };
    }
}
