package io.vgpufleet.migration.claims;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.migration.sagas.ClaimAnswer;
import io.vgpufleet.migration.sagas.SagaEffect;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Claims kept by this migration-service alone (property {@code vgpu.migration.claims=local}): a claim holds
 * one instance of the type on the pGPU while the pGPU's latest snapshot shows a free instance beyond the
 * claims already held there and not yet visible in it. It serialises this service's own migrations only; it
 * does not see other placers (lifecycle-service) the way the inventory's claims do. For a fleet without an
 * inventory-service with claims, and for tests of the migration-service alone.
 */
public final class LocalClaims implements TargetClaims {

    private final Function<String, Optional<HostSnapshot>> hosts;
    private final Map<String, SagaEffect.RequestClaim> held = new LinkedHashMap<>();

    public LocalClaims(Function<String, Optional<HostSnapshot>> hosts) {
        this.hosts = hosts;
    }

    @Override
    public synchronized ClaimAnswer claim(SagaEffect.RequestClaim request) {
        Optional<HostSnapshot> host = hosts.apply(request.hostId());
        Optional<PhysicalGpu> gpu = host.flatMap(h -> h.gpus().stream().filter(g -> g.uuid().equals(request.gpuUuid()))
                .findFirst());
        if (gpu.isEmpty()) {
            return new ClaimAnswer.Refused(request.claimId(), "UNKNOWN_GPU: no pGPU " + request.gpuUuid() + " on "
                    + request.hostId());
        }
        if (held.containsKey(request.claimId())) {
            return new ClaimAnswer.Granted(request.claimId(), request.hostId(), request.gpuUuid(), gpu.get().pciBdf());
        }
        int free = gpu.get().types().stream().filter(t -> t.typeId().equals(request.typeId()))
                .mapToInt(t -> t.availableInstances()).findFirst().orElse(0);
        long pending = held.values().stream()
                .filter(claim -> claim.gpuUuid().equals(request.gpuUuid()))
                .filter(claim -> host.get().vgpus().stream().noneMatch(v -> v.uuid().equals(claim.vgpuUuid())))
                .count();
        if (free - pending < 1) {
            return new ClaimAnswer.Refused(request.claimId(), "NO_CAPACITY: " + free + " free instance(s) of "
                    + request.typeId() + ", " + pending + " already claimed");
        }
        held.put(request.claimId(), request);
        return new ClaimAnswer.Granted(request.claimId(), request.hostId(), request.gpuUuid(), gpu.get().pciBdf());
    }

    @Override
    public synchronized ClaimAnswer release(SagaEffect.ReleaseClaim release) {
        held.remove(release.claimId());
        return new ClaimAnswer.Released(release.claimId());
    }

    /** Forgets claims whose vGPU the target's snapshot now shows (they are confirmed). */
    public synchronized void confirmSeen(HostSnapshot snapshot) {
        held.values().removeIf(claim -> claim.hostId().equals(snapshot.hostId())
                && snapshot.vgpus().stream().anyMatch(v -> v.uuid().equals(claim.vgpuUuid())));
    }
}
