package io.vgpufleet.health.policy;

import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuLost;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import java.time.Instant;

/** Health signals for one test pGPU, observed at a given instant. */
public final class Signals {

    public static final String GPU = "GPU-11111111-2222-3333-4444-555555555555";
    public static final String HOST = "kvm-host-7";

    private Signals() {}

    public static EccErrorsObserved ecc(Instant at, long correctedVolatile, long uncorrectedVolatile, long correctedDelta) {
        return ecc(GPU, at, correctedVolatile, uncorrectedVolatile, correctedDelta);
    }

    public static EccErrorsObserved ecc(
            String gpu, Instant at, long correctedVolatile, long uncorrectedVolatile, long correctedDelta) {
        return new EccErrorsObserved(HOST, gpu, at, SignalSource.POLL,
                new EccCounters(correctedVolatile, uncorrectedVolatile, correctedVolatile + 10, uncorrectedVolatile),
                new EccCounters(correctedDelta, uncorrectedVolatile, correctedDelta, uncorrectedVolatile));
    }

    /** Volatile counters at zero: what the agent reports after a reset. */
    public static EccErrorsObserved reset(Instant at) {
        return reset(GPU, at);
    }

    public static EccErrorsObserved reset(String gpu, Instant at) {
        return new EccErrorsObserved(HOST, gpu, at, SignalSource.POLL, new EccCounters(0, 0, 10, 0), EccCounters.ZERO);
    }

    public static PagesRetired pages(Instant at, int sbe, int dbe, boolean pending) {
        return pages(GPU, at, sbe, dbe, pending);
    }

    public static PagesRetired pages(String gpu, Instant at, int sbe, int dbe, boolean pending) {
        return new PagesRetired(HOST, gpu, at, SignalSource.POLL, sbe, dbe, pending);
    }

    public static RowsRemapped rows(Instant at, int correctable, int uncorrectable, boolean pending, boolean failure) {
        return rows(GPU, at, correctable, uncorrectable, pending, failure);
    }

    public static RowsRemapped rows(
            String gpu, Instant at, int correctable, int uncorrectable, boolean pending, boolean failure) {
        return new RowsRemapped(HOST, gpu, at, SignalSource.POLL, correctable, uncorrectable, pending, failure);
    }

    public static XidErrorObserved xid(Instant at, int code) {
        return xid(GPU, at, code);
    }

    public static XidErrorObserved xid(String gpu, Instant at, int code) {
        return new XidErrorObserved(HOST, gpu, at, SignalSource.EVENT, code);
    }

    public static GpuLost lost(Instant at) {
        return lost(GPU, at);
    }

    public static GpuLost lost(String gpu, Instant at) {
        return new GpuLost(HOST, gpu, at, SignalSource.EVENT, "NVML_ERROR_GPU_IS_LOST");
    }
}
