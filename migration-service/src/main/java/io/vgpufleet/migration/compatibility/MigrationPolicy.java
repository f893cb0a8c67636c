package io.vgpufleet.migration.compatibility;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The operator's rules for a migration target, applied before any agent is asked (properties {@code
 * vgpu.migration.policy.*}).
 *
 * @param minDriverVersion the oldest host driver a target may run ({@code 550.54.14}); absent: no floor
 * @param maxDriverVersion the newest host driver a target may run; absent: no ceiling
 * @param allowMixedHostKinds whether an mdev vGPU may move to a vendor-VFIO host and back (the drivers
 *     refuse it today; keep false unless NVIDIA says otherwise)
 * @param allowOtherBoards whether the target pGPU may be another board variant than the source's
 * @param maxCandidatesChecked how many targets that pass the policy are asked for compatibility at once
 * @param hostStaleAfter a host whose latest snapshot was observed longer ago than this is not a target: its
 *     agent has stopped reporting (an agent publishes at least every heartbeat, 10 s by default), so a
 *     compatibility check sent there would only wait out the step's timeouts
 */
public record MigrationPolicy(
        @Nullable String minDriverVersion,
        @Nullable String maxDriverVersion,
        boolean allowMixedHostKinds,
        boolean allowOtherBoards,
        int maxCandidatesChecked,
        Duration hostStaleAfter) {

    /** Three missed heartbeats of an agent at its default interval. */
    public static final Duration DEFAULT_HOST_STALE_AFTER = Duration.ofSeconds(30);

    public static final MigrationPolicy DEFAULT = new MigrationPolicy(null, null, false, false, 3,
            DEFAULT_HOST_STALE_AFTER);

    public MigrationPolicy {
        if (minDriverVersion != null) {
            DriverVersions.parse(minDriverVersion);
        }
        if (maxDriverVersion != null) {
            DriverVersions.parse(maxDriverVersion);
        }
        if (maxCandidatesChecked < 1) {
            throw new IllegalArgumentException("maxCandidatesChecked must be at least 1, was " + maxCandidatesChecked);
        }
        if (hostStaleAfter == null || hostStaleAfter.isNegative() || hostStaleAfter.isZero()) {
            throw new IllegalArgumentException("hostStaleAfter must be positive, was " + hostStaleAfter);
        }
    }
}
