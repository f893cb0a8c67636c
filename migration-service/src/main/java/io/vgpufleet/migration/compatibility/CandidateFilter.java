package io.vgpufleet.migration.compatibility;

import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.migration.CandidateRejection;
import io.vgpufleet.contracts.migration.TargetCandidate;
import io.vgpufleet.migration.fleet.Fleet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The policy half of compatibility: which pGPUs of the fleet may take a vGPU, before any agent is asked.
 * A target's agent must still report (its latest snapshot observed within {@link
 * MigrationPolicy#hostStaleAfter()}), it must offer the same vGPU type with a free instance, be healthy, run its vGPU manager with a
 * host driver inside the configured range, use the same interface (mdev or vendor VFIO) and the same board
 * variant as the source (unless allowed), and have the same ECC mode. Every pGPU that fails says why;
 * the ones that pass are ranked: fewest migrations already heading to the host, then most free instances, then
 * an order of the hosts that differs from one source pGPU to another (so concurrent migrations spread), and the
 * candidates checked are on distinct hosts while there are enough.
 * The driver's own verdict ({@code migration_version}, NVML) comes after, from the target's agent.
 *
 * <p>Pure: values in, {@link Selection} out.
 */
public final class CandidateFilter {

    /** At most this many rejections are kept per migration, the most telling first. */
    public static final int MAX_REJECTIONS = 64;

    private final MigrationPolicy policy;

    public CandidateFilter(MigrationPolicy policy) {
        this.policy = policy;
    }

    /**
     * The targets for a vGPU of {@code typeId} on {@code sourceGpuUuid} of {@code sourceHostId}.
     *
     * @param requestedHostId only this host may be a target, where given
     * @param now what a snapshot's {@code observedAt} is compared with to tell a host whose agent stopped
     */
    public Selection select(String sourceHostId, String sourceGpuUuid, String typeId, @Nullable String requestedHostId,
            Fleet fleet, Instant now) {
        HostSnapshot source = fleet.host(sourceHostId).orElseThrow(() ->
                new IllegalArgumentException("no snapshot of source host " + sourceHostId));
        PhysicalGpu sourceGpu = source.gpus().stream().filter(gpu -> gpu.uuid().equals(sourceGpuUuid)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("source host " + sourceHostId + " has no pGPU "
                        + sourceGpuUuid));
        List<Ranked> passed = new ArrayList<>();
        List<CandidateRejection> rejections = new ArrayList<>();
        for (HostSnapshot host : fleet.hosts()) {
            if (host.hostId().equals(sourceHostId)) {
                continue;
            }
            if (requestedHostId != null && !requestedHostId.equals(host.hostId())) {
                continue;
            }
            Optional<String> hostProblem = hostProblem(host, now);
            if (hostProblem.isPresent()) {
                String[] codeAndDetail = hostProblem.get().split(":", 2);
                rejections.add(new CandidateRejection(host.hostId(), null, codeAndDetail[0], codeAndDetail[1].strip()));
                continue;
            }
            List<PhysicalGpu> offering = host.gpus().stream()
                    .filter(gpu -> gpu.types().stream().anyMatch(type -> type.typeId().equals(typeId))).toList();
            if (offering.isEmpty()) {
                rejections.add(new CandidateRejection(host.hostId(), null, "TYPE_UNAVAILABLE",
                        "no pGPU of the host offers vGPU type " + typeId));
                continue;
            }
            for (PhysicalGpu gpu : offering) {
                VgpuTypeCapacity type = gpu.types().stream().filter(t -> t.typeId().equals(typeId)).findFirst().orElseThrow();
                Optional<CandidateRejection> refused = gpuProblem(host, gpu, type, sourceGpu, fleet);
                if (refused.isPresent()) {
                    rejections.add(refused.get());
                } else {
                    passed.add(new Ranked(new TargetCandidate(host.hostId(), gpu.uuid(), gpu.pciBdf(),
                            TargetCandidate.Compatibility.UNCHECKED), fleet.migrationsInto(host.hostId()),
                            type.availableInstances(), spread(sourceGpuUuid, host.hostId())));
                }
            }
        }
        passed.sort(Comparator.comparingInt(Ranked::inbound)
                .thenComparing(Comparator.comparingInt(Ranked::free).reversed())
                .thenComparingLong(Ranked::spread)
                .thenComparing(ranked -> ranked.candidate().hostId())
                .thenComparing(ranked -> ranked.candidate().pciBdf()));
        List<TargetCandidate> chosen = distinctHostsFirst(passed, policy.maxCandidatesChecked());
        rejections.sort(Comparator.comparing((CandidateRejection r) -> r.reason().equals("TYPE_UNAVAILABLE"))
                .thenComparing(CandidateRejection::hostId));
        return new Selection(chosen, List.copyOf(rejections.subList(0, Math.min(MAX_REJECTIONS, rejections.size()))),
                passed.size());
    }

    /**
     * Where equally good hosts stand in one migration's order: a mix of its source pGPU and the host, so that
     * the many migrations of an evacuation, chosen at the same moment when no migration heads anywhere yet,
     * do not all rank the same host first (by name they did: at 10,000 hosts every one of 32 concurrent sagas
     * chose the first host's pGPUs, and all but two waited there for its inbound limit until they timed out).
     * The same for the same source and host, so a resumed saga ranks as before.
     */
    public static long spread(String sourceGpuUuid, String hostId) {
        long h = 0x9E3779B97F4A7C15L;
        for (String part : List.of(sourceGpuUuid, hostId)) {
            for (int i = 0; i < part.length(); i++) {
                h = (h ^ part.charAt(i)) * 0x100000001B3L;
            }
            h = (h ^ 0x1F) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    /**
     * The first {@code limit} of the ranked pGPUs, one per host while other hosts remain: a saga whose checked
     * candidates all sit on one host has nowhere to go when that host reaches its inbound limit.
     */
    private static List<TargetCandidate> distinctHostsFirst(List<Ranked> ranked, int limit) {
        List<TargetCandidate> chosen = new ArrayList<>();
        List<TargetCandidate> sameHost = new ArrayList<>();
        Set<String> hosts = new HashSet<>();
        for (Ranked candidate : ranked) {
            if (chosen.size() == limit) {
                break;
            }
            if (hosts.add(candidate.candidate().hostId())) {
                chosen.add(candidate.candidate());
            } else if (sameHost.size() < limit) {
                sameHost.add(candidate.candidate());
            }
        }
        for (TargetCandidate candidate : sameHost) {
            if (chosen.size() == limit) {
                break;
            }
            chosen.add(candidate);
        }
        return List.copyOf(chosen);
    }

    private Optional<String> hostProblem(HostSnapshot host, Instant now) {
        Duration silent = Duration.between(host.observedAt(), now);
        if (silent.compareTo(policy.hostStaleAfter()) > 0) {
            // a dead agent's last snapshot stays on the compacted topic; its pGPUs, all free, would rank first
            return Optional.of("HOST_STALE: the host's latest snapshot was observed " + silent.toSeconds()
                    + " s ago (at " + host.observedAt() + "); its agent has stopped reporting");
        }
        if (!host.vgpuManager().running()) {
            return Optional.of("VGPU_MANAGER_DOWN: the host's nvidia-vgpu-mgr is not running");
        }
        String driver = host.vgpuManager().driverVersion();
        if (policy.minDriverVersion() == null && policy.maxDriverVersion() == null) {
            return Optional.empty();
        }
        if (driver == null) {
            return Optional.of("DRIVER_VERSION: the host does not report its driver version");
        }
        try {
            if (policy.minDriverVersion() != null && DriverVersions.compare(driver, policy.minDriverVersion()) < 0) {
                return Optional.of("DRIVER_VERSION: host driver " + driver + " is older than " + policy.minDriverVersion());
            }
            if (policy.maxDriverVersion() != null && DriverVersions.compare(driver, policy.maxDriverVersion()) > 0) {
                return Optional.of("DRIVER_VERSION: host driver " + driver + " is newer than " + policy.maxDriverVersion());
            }
        } catch (IllegalArgumentException e) {
            return Optional.of("DRIVER_VERSION: " + e.getMessage());
        }
        return Optional.empty();
    }

    private Optional<CandidateRejection> gpuProblem(HostSnapshot host, PhysicalGpu gpu, VgpuTypeCapacity type,
            PhysicalGpu source, Fleet fleet) {
        String reason = null;
        String detail = null;
        if (!fleet.healthy(gpu.uuid())) {
            reason = "UNHEALTHY";
            detail = "the health-service does not count the pGPU HEALTHY";
        } else if (gpu.hostKind() != source.hostKind() && !policy.allowMixedHostKinds()) {
            reason = "HOST_KIND";
            detail = "the target is " + gpu.hostKind() + ", the source " + source.hostKind();
        } else if (!gpu.model().equals(source.model()) && !policy.allowOtherBoards()) {
            reason = "BOARD";
            detail = "the target board is " + gpu.model() + ", the source " + source.model();
        } else if (gpu.eccMode() != source.eccMode()) {
            reason = "ECC_MODE";
            detail = "the target's ECC is " + gpu.eccMode() + ", the source's " + source.eccMode();
        } else if (type.availableInstances() < 1) {
            reason = "NO_CAPACITY";
            detail = "no free instance of " + type.typeId() + " (" + type.name() + ")";
        }
        return reason == null ? Optional.empty()
                : Optional.of(new CandidateRejection(host.hostId(), gpu.uuid(), reason, detail));
    }

    /**
     * @param candidates the best targets that passed the policy, at most {@link MigrationPolicy#maxCandidatesChecked()}
     * @param rejections the pGPUs and hosts that did not pass, at most {@link #MAX_REJECTIONS}
     * @param passed how many pGPUs passed the policy in all
     */
    public record Selection(List<TargetCandidate> candidates, List<CandidateRejection> rejections, int passed) {}

    /** @param spread {@link #spread(String, String)} of the source and the host, once per candidate, not per comparison */
    private record Ranked(TargetCandidate candidate, int inbound, int free, long spread) {}
}
