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

    /** Whether the saga's state differs from {@code before}. */
    public boolean changed(MigrationSaga before) {
        return !saga.equals(before);
    }

    /**
     * Whether the new state must reach the saga topic before anything else happens: whenever it carries
     * effects (write-ahead, ADR 0005) or enters another step. A change without effects within one step (one
     * candidate's answer while others are outstanding, a new reason while waiting for a target slot) stays in
     * memory until the next durable state: a crash loses it, and the resumed saga sends its step's effects
     * again under the same ids, which the agents and the inventory answer as before.
     */
    public boolean durable(MigrationSaga before) {
        return changed(before) && (!effects.isEmpty() || saga.step() != before.step());
    }
}
