package io.vgpufleet.contracts.health;

/** Where a health signal came from: an NVML event delivered at once, or a counter poll. */
public enum SignalSource {
    EVENT,
    POLL
}
