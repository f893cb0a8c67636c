package io.vgpufleet.lifecycle.vgpus.machine;

import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one stimulus: the request as it is now, the transitions it went through (in order), the
 * actions to take, and, for a caller's suspend or resume that the state does not allow, why not.
 *
 * <p>Persist {@link #request()} first, then publish the events, then run the actions: after a crash the
 * persisted request's deadlines bring the actions back.
 */
public record Decision(VgpuRequest request, List<VgpuStateChanged> events, List<Action> actions, @Nullable String refused,
        boolean changed) {

    public Decision {
        events = List.copyOf(events);
        actions = List.copyOf(actions);
    }

    static Decision unchanged(VgpuRequest request) {
        return new Decision(request, List.of(), List.of(), null, false);
    }

    static Decision refused(VgpuRequest request, String why) {
        return new Decision(request, List.of(), List.of(), why, false);
    }
}
