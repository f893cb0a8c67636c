package io.vgpufleet.inventory.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuConditionsTest {

    private static final String GPU = "GPU-0000000e-0000-4000-8000-000000000001";
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void keepsTheLatestVerdictAndRaisesTheVersion() {
        GpuConditions conditions = new GpuConditions();
        conditions.apply(verdict(GpuHealth.HEALTHY, GpuHealth.FAILED, T0));
        long afterFailure = conditions.version();
        conditions.apply(verdict(GpuHealth.FAILED, GpuHealth.HEALTHY, T0.plusSeconds(600)));

        assertThat(conditions.health()).containsEntry(GPU, GpuHealth.HEALTHY);
        assertThat(conditions.version()).isGreaterThan(afterFailure);
    }

    @Test
    void ignoresAVerdictOlderThanTheOneHeld() {
        GpuConditions conditions = new GpuConditions();
        conditions.apply(verdict(GpuHealth.HEALTHY, GpuHealth.FAILED, T0.plusSeconds(10)));
        long version = conditions.version();

        assertThat(conditions.apply(verdict(GpuHealth.HEALTHY, GpuHealth.DEGRADED, T0))).isFalse();
        assertThat(conditions.health()).containsEntry(GPU, GpuHealth.FAILED);
        assertThat(conditions.version()).isEqualTo(version);
    }

    @Test
    void cordonsAndUncordonsInOrder() {
        GpuConditions conditions = new GpuConditions();
        conditions.apply(new GpuCordonChanged(GPU, "h1", true, "bad fan", "operator", T0));
        assertThat(conditions.cordonedGpus()).containsExactly(GPU);

        conditions.apply(new GpuCordonChanged(GPU, "h1", false, "fan replaced", "operator", T0.plusSeconds(60)));
        assertThat(conditions.cordonedGpus()).isEmpty();
    }

    private static GpuHealthChanged verdict(GpuHealth previous, GpuHealth current, Instant at) {
        return new GpuHealthChanged(GPU, "h1", previous, current, "double-bit-ecc", Map.of(), at);
    }
}
