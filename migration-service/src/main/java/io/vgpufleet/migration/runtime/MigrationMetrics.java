package io.vgpufleet.migration.runtime;

import io.vgpufleet.contracts.migration.MigrationStep;
import java.util.List;

/**
 * The migration-service's metric names (Micrometer, dots; Prometheus renders underscores). Tags are bounded:
 * {@code outcome} is one of {@link #OUTCOMES}; {@code step} a saga step; {@code trigger} health or operator.
 *
 * <p>{@link #MIGRATIONS} and {@link #DRAINS_ACTIVE} are the names the Prometheus rules and the Grafana
 * dashboard of {@code deploy/} use ({@code vgpu_migrations_total{outcome}}, {@code vgpu_drains_active}); both
 * are registered at start, so they are scraped (at zero) before the first migration.
 */
public final class MigrationMetrics {

    /** Counter: sagas accepted (queued). */
    public static final String SAGAS_STARTED = "vgpu.migration.sagas.started";
    /**
     * Counter, tag {@code outcome} ({@code succeeded}: COMPLETED, {@code compensated}: COMPENSATED, {@code
     * failed}: FAILED): migrations that ended. Prometheus: {@code vgpu_migrations_total}.
     */
    public static final String MIGRATIONS = "vgpu.migrations";
    /** Gauge, tag {@code step}: sagas in each non-terminal step now. */
    public static final String SAGAS_ACTIVE = "vgpu.migration.sagas.active";
    /** Timer, tag {@code outcome}: from acceptance to the end. */
    public static final String SAGA_DURATION = "vgpu.migration.saga.duration";
    /** Counter: drains accepted, tag {@code trigger} (health or operator). */
    public static final String DRAINS_STARTED = "vgpu.migration.drains.started";
    /** Gauge: drains with a migration that has not ended yet. Prometheus: {@code vgpu_drains_active}. */
    public static final String DRAINS_ACTIVE = "vgpu.drains.active";

    /** The values of the {@code outcome} tag. */
    public static final List<String> OUTCOMES = List.of("succeeded", "compensated", "failed");

    private MigrationMetrics() {}

    /** The {@code outcome} tag of a saga that ended in {@code step}. */
    public static String outcome(MigrationStep step) {
        return switch (step) {
            case COMPLETED -> "succeeded";
            case COMPENSATED -> "compensated";
            case FAILED -> "failed";
            default -> throw new IllegalArgumentException(step + " is not an end of a saga");
        };
    }
}
