package io.vgpufleet.migration.sagas;

import io.vgpufleet.contracts.migration.MigrationSaga;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A saga after an event: its new state, the effects to carry out, and, where something worth telling
 * happened (a step changed, a candidate was rejected), the words of the progress event.
 */
public record Transition(MigrationSaga saga, List<SagaEffect> effects, @Nullable String progress) {

    public Transition {
        effects = List.copyOf(effects);
    }

    static Transition unchanged(MigrationSaga saga) {
        return new Transition(saga, List.of(), null);
    }

    /** Whether the saga's state must be persisted. */
    public boolean changed(MigrationSaga before) {
        return !saga.equals(before);
    }
}
