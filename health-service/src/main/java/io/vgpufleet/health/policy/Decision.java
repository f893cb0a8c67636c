package io.vgpufleet.health.policy;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import java.util.Optional;

/**
 * What the engine decided: the pGPU's next state, the verdict change to publish if the verdict changed,
 * and the cordon change to publish if the policy cordons or uncordons.
 */
public record Decision(
        GpuHealthState state, Optional<GpuHealthChanged> healthChange, Optional<GpuCordonChanged> cordonChange) {

    public boolean changed() {
        return healthChange.isPresent() || cordonChange.isPresent();
    }
}
