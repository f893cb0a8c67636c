package io.vgpufleet.lifecycle.vgpus.machine;

import java.time.Duration;

/**
 * The timeouts and retry bounds of every step.
 *
 * @param claimTimeout how long an answer from the inventory may take before the claim is asked again
 * @param claimRetryDelay the wait before asking again after the inventory could not be reached or had no room
 *     yet; it doubles with every attempt (see {@link #claimRetryDelay(int)}), so the default 5 attempts ride
 *     through about 30 s of an inventory restart, not 8 s
 * @param claimAttempts how many times a claim is asked for before the request fails
 * @param commandTimeout how long an agent command may go unanswered before it is sent again (also its
 *     {@code notAfter}: a late agent refuses it rather than act on it after it was given up)
 * @param commandAttempts how many times one command is sent before the step fails
 * @param attachTimeout how long created vGPUs wait for a VM to take them before they are removed
 */
public record LifecyclePolicy(
        Duration claimTimeout,
        Duration claimRetryDelay,
        int claimAttempts,
        Duration commandTimeout,
        int commandAttempts,
        Duration attachTimeout) {

    public LifecyclePolicy {
        if (claimAttempts < 1 || commandAttempts < 1) {
            throw new IllegalArgumentException("attempts must be 1 or more");
        }
        for (Duration duration : new Duration[] {claimTimeout, claimRetryDelay, commandTimeout, attachTimeout}) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, was " + duration);
            }
        }
    }

    /** The most the retry delay grows to: 16 times {@code claimRetryDelay}. */
    static final int MAX_BACKOFF_FACTOR = 16;

    /** The wait after attempt {@code attempt} (1 for the first) found the inventory unavailable. */
    public Duration claimRetryDelay(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, Integer.numberOfTrailingZeros(MAX_BACKOFF_FACTOR)));
        return claimRetryDelay.multipliedBy(1L << doublings);
    }

    public static LifecyclePolicy defaults() {
        return new LifecyclePolicy(Duration.ofSeconds(30), Duration.ofSeconds(2), 5, Duration.ofSeconds(20), 3,
                Duration.ofMinutes(30));
    }
}
