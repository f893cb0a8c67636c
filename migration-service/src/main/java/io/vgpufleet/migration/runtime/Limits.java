package io.vgpufleet.migration.runtime;

/**
 * Concurrency limits of running migrations (properties {@code vgpu.migration.concurrency.*}).
 *
 * @param perSourceHost migrations running off one host at once (default 2)
 * @param perTargetHost migrations heading to one host at once, from its claim to its cleanup (default 2)
 * @param fleetWide migrations running at once in the whole fleet (default 8)
 */
public record Limits(int perSourceHost, int perTargetHost, int fleetWide) {

    public Limits {
        if (perSourceHost < 1 || perTargetHost < 1 || fleetWide < 1) {
            throw new IllegalArgumentException("every concurrency limit must be at least 1");
        }
    }
}
