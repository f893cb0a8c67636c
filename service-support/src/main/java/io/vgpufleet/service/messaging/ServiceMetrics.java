package io.vgpufleet.service.messaging;

/** Metric names every service shares. Tags: {@code topic} and {@code type} ({@code ce_type}), both bounded. */
public final class ServiceMetrics {

    /** Records read and decoded, by topic and type. */
    public static final String RECORDS_CONSUMED = "vgpu.records.consumed";

    /** Records that could not be read and went to the dead-letter topic, by source topic. */
    public static final String RECORDS_DEAD_LETTERED = "vgpu.records.dead.lettered";

    private ServiceMetrics() {}
}
