package io.vgpufleet.migration.runtime;

/**
 * The migration-service's metric names (Micrometer, dots; Prometheus renders underscores). Tags are bounded:
 * {@code outcome} is COMPLETED, COMPENSATED or FAILED; {@code step} a saga step.
 */
public final class MigrationMetrics {

    /** Counter: sagas accepted (queued). */
    public static final String SAGAS_STARTED = "vgpu.migration.sagas.started";
    /** Counter, tag {@code outcome}: sagas that ended. */
    public static final String SAGAS_ENDED = "vgpu.migration.sagas.ended";
    /** Gauge, tag {@code step}: sagas in each non-terminal step now. */
    public static final String SAGAS_ACTIVE = "vgpu.migration.sagas.active";
    /** Timer, tag {@code outcome}: from acceptance to the end. */
    public static final String SAGA_DURATION = "vgpu.migration.saga.duration";
    /** Counter: drains accepted, tag {@code trigger} (health or operator). */
    public static final String DRAINS_STARTED = "vgpu.migration.drains.started";

    private MigrationMetrics() {}
}
