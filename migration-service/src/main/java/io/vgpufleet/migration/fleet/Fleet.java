package io.vgpufleet.migration.fleet;

import io.vgpufleet.contracts.host.HostSnapshot;
import java.util.Collection;
import java.util.Optional;

/**
 * What the migration decisions read about the fleet: the latest snapshot of every host, the health
 * verdicts of pGPUs, and how many migrations are already on their way to each host. A value for the
 * pure code; the runtime's live view and the tests' maps both implement it.
 */
public interface Fleet {

    Optional<HostSnapshot> host(String hostId);

    Collection<HostSnapshot> hosts();

    /** Whether the health-service's latest verdict on the pGPU is HEALTHY (or there is none yet). */
    boolean healthy(String gpuUuid);

    /** Migrations that claimed (or are claiming) a target on the host and have not ended. */
    int migrationsInto(String hostId);
}
