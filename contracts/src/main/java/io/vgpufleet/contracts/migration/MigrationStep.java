package io.vgpufleet.contracts.migration;

/** The steps of a migration saga in order, then its terminal outcomes. */
public enum MigrationStep {
    VALIDATE,
    CHECK_COMPATIBILITY,
    CLAIM_TARGET,
    PREPARE_TARGET,
    MIGRATE,
    VERIFY,
    CLEANUP_SOURCE,
    COMPLETED,
    COMPENSATING,
    COMPENSATED,
    FAILED;

    public boolean terminal() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED;
    }
}
