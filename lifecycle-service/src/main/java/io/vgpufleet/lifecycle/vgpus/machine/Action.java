package io.vgpufleet.lifecycle.vgpus.machine;

import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import java.util.List;

/** What a decision asks the adapters to do; each one's outcome comes back as a {@link Stimulus}. */
public sealed interface Action {

    /** Ask the inventory for a claim (idempotent by claim id); answered by a ClaimGranted, -Refused or -Unavailable. */
    record RequestClaim(String requestId, String claimId, String vmId, VgpuSpec spec, List<String> vgpuUuids)
            implements Action {
        public RequestClaim {
            vgpuUuids = List.copyOf(vgpuUuids);
        }
    }

    /** Give the claim back (idempotent); answered by ClaimReleased or ClaimReleaseFailed. */
    record ReleaseClaim(String requestId, String claimId) implements Action {}

    /** Publish a command to the host's agent; answered by a Replied (or nothing, then the deadline). */
    record SendCommand(AgentCommand command) implements Action {}
}
