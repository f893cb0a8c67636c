package io.vgpufleet.migration.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.migration.MigrationStep;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MigrationMetricsTest {

    @Test
    void everyEndOfASagaHasTheOutcomeTheAlertRulesCountAndNoStepInBetweenHasOne() {
        Set<String> outcomes = Arrays.stream(MigrationStep.values()).filter(MigrationStep::terminal)
                .map(MigrationMetrics::outcome).collect(Collectors.toSet());

        // deploy/prometheus: vgpu_migrations_total{outcome!="succeeded"} is the failure rate
        assertThat(outcomes).containsExactlyInAnyOrderElementsOf(MigrationMetrics.OUTCOMES).contains("succeeded");
        assertThat(MigrationMetrics.outcome(MigrationStep.COMPLETED)).isEqualTo("succeeded");
        Arrays.stream(MigrationStep.values()).filter(step -> !step.terminal()).forEach(step ->
                assertThatThrownBy(() -> MigrationMetrics.outcome(step)).isInstanceOf(IllegalArgumentException.class));
    }

    @Test
    void theNamesRenderAsTheOnesDeployUses() {
        assertThat(MigrationMetrics.MIGRATIONS.replace('.', '_') + "_total").isEqualTo("vgpu_migrations_total");
        assertThat(MigrationMetrics.DRAINS_ACTIVE.replace('.', '_')).isEqualTo("vgpu_drains_active");
    }
}
