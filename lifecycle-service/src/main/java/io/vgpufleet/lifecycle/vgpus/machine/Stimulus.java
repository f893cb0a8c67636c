package io.vgpufleet.lifecycle.vgpus.machine;

import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.host.HostSnapshot;
import java.util.List;

/** Everything that can move a request: answers from the inventory and the agents, what hosts report, time, callers. */
public sealed interface Stimulus {

    /** The inventory granted the claim: every vGPU on one host. */
    record ClaimGranted(String hostId, List<ClaimItem> items) implements Stimulus {
        public ClaimGranted {
            items = List.copyOf(items);
        }
    }

    /** One vGPU of a granted claim. */
    record ClaimItem(String gpuUuid, String pciBdf, String typeId, String vgpuUuid, int numaNode) {}

    /** The inventory said no for good (nothing fits, or the request is invalid there). */
    record ClaimRefused(String reason) implements Stimulus {}

    /** The inventory could not be asked (unreachable, 5xx, an unreadable answer): worth asking again. */
    record ClaimUnavailable(String reason) implements Stimulus {}

    /** The claim was given back. */
    record ClaimReleased() implements Stimulus {}

    /** Giving the claim back failed; it is tried again at the deadline. */
    record ClaimReleaseFailed(String reason) implements Stimulus {}

    /** An agent answered a command. */
    record Replied(CommandReply reply) implements Stimulus {}

    /** A host reported its devices and VMs. */
    record HostObserved(HostSnapshot snapshot) implements Stimulus {}

    /** Time passed: deadlines are checked. */
    record Tick() implements Stimulus {}

    /** The caller asked to destroy the request's vGPUs. */
    record DestroyRequested() implements Stimulus {}

    record SuspendRequested() implements Stimulus {}

    record ResumeRequested() implements Stimulus {}

    /** The health-service failed a pGPU on a double-bit ECC error. */
    record DoubleBitEccError(String gpuUuid, String detail) implements Stimulus {}
}
