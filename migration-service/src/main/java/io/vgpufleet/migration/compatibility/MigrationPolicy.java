package io.vgpufleet.migration.compatibility;

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
 */
public record MigrationPolicy(
        @Nullable String minDriverVersion,
        @Nullable String maxDriverVersion,
        boolean allowMixedHostKinds,
        boolean allowOtherBoards,
        int maxCandidatesChecked) {

    public static final MigrationPolicy DEFAULT = new MigrationPolicy(null, null, false, false, 3);

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
    }
}
