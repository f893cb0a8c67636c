package io.vgpufleet.contracts.migration;

/**
 * The steps of a migration saga in order, then its terminal outcomes. {@code QUEUED}: accepted and
 * persisted, waiting for the concurrency limits to let it start.
 */
public enum MigrationStep {
    QUEUED,
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
