package io.vgpufleet.inventory.claims.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.inventory.claims.streams.ClaimTopology;
import io.vgpufleet.inventory.fleet.InventoryMetrics;

/** Counts what the ledgers of this instance decide: claim changes by state, refusals by command type. */
record ClaimMeters(MeterRegistry meters) implements ClaimTopology.Listener {

    @Override
    public void changed(ClaimChanged change) {
        meters.counter(InventoryMetrics.CLAIM_CHANGES, "state", change.state().name()).increment();
    }

    @Override
    public void refused(String ceType) {
        meters.counter(InventoryMetrics.CLAIM_REFUSALS, "command", ceType).increment();
    }
}
