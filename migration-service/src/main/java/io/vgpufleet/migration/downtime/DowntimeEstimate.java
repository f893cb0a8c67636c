package io.vgpufleet.migration.downtime;

import java.time.Duration;

/**
 * The stun time of a vGPU live migration, estimated before it starts.
 *
 * <p>The model: the vGPU's framebuffer is copied while the VM is stunned (the GPU's memory cannot be
 * tracked for dirty pages the way guest RAM is), so the stun grows linearly with the framebuffer in use
 * and shrinks with the link bandwidth. VMware measured about 7.5 s of stun per GB of vGPU framebuffer on
 * 10 GbE for vSphere vMotion of vGPU VMs; we take that slope, scale it by {@code 10 Gbit/s / link}, and add
 * a fixed stun for the CPU and device state switch-over:
 *
 * <pre>
 * downtime = fixedStun + framebufferGiB x 7.5 s x (10 Gbit/s / linkGbitPerSecond)
 * </pre>
 *
 * where the framebuffer is the vGPU's framebuffer in use where the host reports it, else its type's whole
 * framebuffer (an upper bound).
 *
 * @param linkGbitPerSecond the migration link's bandwidth
 * @param stunPerGibAt10Gbe the measured slope (7.5 s by default)
 * @param fixedStun the part that does not depend on the framebuffer
 */
public record DowntimeEstimate(double linkGbitPerSecond, Duration stunPerGibAt10Gbe, Duration fixedStun) {

    public static final DowntimeEstimate VSPHERE_10GBE = new DowntimeEstimate(10, Duration.ofMillis(7500),
            Duration.ofMillis(500));

    public DowntimeEstimate {
        if (!(linkGbitPerSecond > 0) || Double.isInfinite(linkGbitPerSecond)) {
            throw new IllegalArgumentException("linkGbitPerSecond must be a positive number, was " + linkGbitPerSecond);
        }
        if (stunPerGibAt10Gbe.isNegative() || fixedStun.isNegative()) {
            throw new IllegalArgumentException("stun durations must not be negative");
        }
    }

    /** The estimated stun for this much framebuffer, in milliseconds. */
    public long millisFor(long framebufferMib) {
        if (framebufferMib < 0) {
            throw new IllegalArgumentException("framebufferMib must not be negative, was " + framebufferMib);
        }
        double gib = framebufferMib / 1024.0;
        double copy = gib * stunPerGibAt10Gbe.toMillis() * (10.0 / linkGbitPerSecond);
        return fixedStun.toMillis() + Math.round(copy);
    }
}
