package io.vgpufleet.inventory.placement;

import static io.vgpufleet.inventory.placement.TestFleet.T4;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.GpuHealth;
import org.junit.jupiter.api.Test;

class FragmentationReportTest {

    @Test
    void countsTheInstancesEachTypeCanStillTakeRespectingHomogeneityAndMaximums() {
        TestFleet fleet = new TestFleet();
        fleet.host("h1").gpu(T4).with("nvidia-232", 3); // 4Q: 1 more; every other type locked out
        fleet.host("h1").gpu(T4); // empty: 4 x 4Q, 16 x 1Q, 1 x 16Q
        fleet.host("h2").gpu(T4).with("nvidia-230", 16); // 1Q full
        fleet.health.put(fleet.host("h3").gpu(T4).uuid, GpuHealth.FAILED); // counts for nothing

        FragmentationReport report = FragmentationReport.of(fleet.input());

        assertThat(report.forType("nvidia-232")).hasValueSatisfying(t -> {
            assertThat(t.headroom()).isEqualTo(1 + 4);
            assertThat(t.gpusWithRoom()).isEqualTo(2);
            assertThat(t.emptyGpus()).isEqualTo(1);
            assertThat(t.lockedByOtherType()).isEqualTo(4);
        });
        assertThat(report.forType("nvidia-230")).hasValueSatisfying(t -> {
            assertThat(t.headroom()).isEqualTo(16);
            assertThat(t.lockedByOtherType()).isEqualTo(16);
        });
        assertThat(report.forType("nvidia-234")).hasValueSatisfying(t -> assertThat(t.headroom()).isEqualTo(1));
        assertThat(report.types()).extracting(FragmentationReport.TypeHeadroom::typeId).isSorted().hasSize(T4.types().size());
    }
}
