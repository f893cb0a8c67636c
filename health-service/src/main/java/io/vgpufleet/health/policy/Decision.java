package io.vgpufleet.health.policy;

import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import java.util.Optional;

/**
 * What the engine decided: the pGPU's next state, the verdict change to publish if the verdict changed, the
 * cordon change to publish if the policy cordons or uncordons, and the drain request to publish if the pGPU
 * is DRAINING or FAILED with vGPUs on it that nobody was asked to move yet.
 */
public record Decision(
        GpuHealthState state,
        Optional<GpuHealthChanged> healthChange,
        Optional<GpuCordonChanged> cordonChange,
        Optional<DrainRequested> drainRequest) {

    public boolean changed() {
        return healthChange.isPresent() || cordonChange.isPresent() || drainRequest.isPresent();
    }
}
