package io.vgpufleet.agent.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefinitionReconcileTest {

    private static final String PARENT = "0000:3b:00.0";
    private static final String A = "11111111-2222-3333-4444-555555555555";
    private static final String B = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private static final String C = "00000000-0000-0000-0000-000000000001";

    @Test
    void anAutoStartDefinitionMissingFromSysfsIsCreatedAgain() {
        DefinitionReconcile.Plan plan = DefinitionReconcile.plan(
                List.of(new MdevDefinition(PARENT, A, "nvidia-289", true)), Set.of());

        assertThat(plan.recreate()).extracting(MdevDefinition::uuid).containsExactly(A);
        assertThat(plan.undefinedActive()).isEmpty();
    }

    @Test
    void aManualDefinitionIsNotStartedAndAnActiveOneIsLeftAlone() {
        DefinitionReconcile.Plan plan = DefinitionReconcile.plan(List.of(
                new MdevDefinition(PARENT, A, "nvidia-289", false),
                new MdevDefinition(PARENT, B, "nvidia-289", true)), Set.of(B));

        assertThat(plan.recreate()).isEmpty();
        assertThat(plan.undefinedActive()).isEmpty();
    }

    @Test
    void anActiveMdevWithoutADefinitionIsDrift() {
        DefinitionReconcile.Plan plan = DefinitionReconcile.plan(
                List.of(new MdevDefinition(PARENT, A, "nvidia-289", true)), Set.of(A, C));

        assertThat(plan.recreate()).isEmpty();
        assertThat(plan.undefinedActive()).containsExactly(C);
    }
}
