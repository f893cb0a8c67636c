package io.vgpufleet.migration.sagas;

import io.vgpufleet.contracts.migration.MigrationStep;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Timeouts and retries of the saga's steps (properties {@code vgpu.migration.saga.*}).
 *
 * <p>A step that hears nothing within its timeout sends its effects again, the same commands under the same
 * ids (an agent answers a repeated id with its first outcome, so nothing happens twice), at most {@code
 * attempts} times in all; then the step has failed and the saga compensates.
 *
 * @param timeouts per step; COMPENSATING's applies to each compensation
 * @param attempts sends per step, the first included (at least 1)
 * @param commandLifetime how long an agent may still execute a command after it was issued ({@code notAfter})
 * @param claimTtl how long the inventory holds a target claim that is not yet confirmed by a snapshot
 */
public record SagaSettings(Map<MigrationStep, Duration> timeouts, int attempts, Duration commandLifetime,
        Duration claimTtl) {

    public SagaSettings {
        timeouts = Map.copyOf(timeouts);
        for (MigrationStep step : MigrationStep.values()) {
            if (active(step) && !timeouts.containsKey(step)) {
                throw new IllegalArgumentException("no timeout for step " + step);
            }
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
    }

    /** Every step 10 s (VERIFY 30 s: a target agent discovers every second and publishes on change), 3 attempts. */
    public static SagaSettings defaults() {
        return uniform(Duration.ofSeconds(10), Duration.ofSeconds(30), 3);
    }

    /** One timeout for every step but VERIFY, which gets its own. */
    public static SagaSettings uniform(Duration step, Duration verify, int attempts) {
        Map<MigrationStep, Duration> timeouts = new EnumMap<>(MigrationStep.class);
        for (MigrationStep value : MigrationStep.values()) {
            if (active(value)) {
                timeouts.put(value, value == MigrationStep.VERIFY ? verify : step);
            }
        }
        return new SagaSettings(timeouts, attempts, Duration.ofMinutes(2), Duration.ofMinutes(10));
    }

    public Duration timeout(MigrationStep step) {
        return timeouts.get(step);
    }

    /** Steps that wait on something: not QUEUED, VALIDATE (decided at once) or a terminal one. */
    static boolean active(MigrationStep step) {
        return step != MigrationStep.QUEUED && step != MigrationStep.VALIDATE && !step.terminal();
    }
}
