package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/**
 * Row remapping state (Ampere and newer): rows remapped for correctable and uncorrectable errors, a
 * remap waiting for the next reset, and a remap that failed (the GPU must be serviced).
 */
public record RowsRemapped(
        String hostId,
        String gpuUuid,
        Instant observedAt,
        SignalSource source,
        int correctableRows,
        int uncorrectableRows,
        boolean pending,
        boolean failure)
        implements HealthSignal {

    public RowsRemapped {
        validHostId(hostId, "hostId");
        validGpuUuid(gpuUuid, "gpuUuid");
        present(observedAt, "observedAt");
        present(source, "source");
        nonNegative(correctableRows, "correctableRows");
        nonNegative(uncorrectableRows, "uncorrectableRows");
    }
}
