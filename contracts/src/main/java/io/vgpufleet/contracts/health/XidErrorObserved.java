package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;

/** The driver reported an Xid error (NVML critical Xid event), e.g. 48 double-bit ECC, 79 fallen off the bus. */
public record XidErrorObserved(String hostId, String gpuUuid, Instant observedAt, SignalSource source, int xid)
        implements HealthSignal {

    public XidErrorObserved {
        validHostId(hostId, "hostId");
        validGpuUuid(gpuUuid, "gpuUuid");
        present(observedAt, "observedAt");
        present(source, "source");
        if (xid <= 0 || xid > 1_000) {
            throw new IllegalArgumentException("xid must be between 1 and 1000, was " + xid);
        }
    }
}
