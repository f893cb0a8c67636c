package io.vgpufleet.migration.drains;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.migration.Drain;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.migration.FleetFixtures;
import io.vgpufleet.migration.downtime.DowntimeEstimate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainPlannerTest {

    @Test
    void aMigrationPerVgpuHeldByAVmTheSameIdsForTheSameDrainAndTheReasonForAnIdleVgpu() {
        String idle = "a1b2c3d4-0000-4000-8000-0000000000ff";
        HostSnapshot host = FleetFixtures.host("src", 0, "550.90.05", EccMode.OFF, "Tesla P4", HostKind.MDEV, List.of(
                new Vgpu(FleetFixtures.SOURCE_VGPU, FleetFixtures.gpuOf("src"), FleetFixtures.TYPE, null, "vm-7",
                        Map.of(), FleetFixtures.VERSION),
                new Vgpu(idle, FleetFixtures.gpuOf("src"), FleetFixtures.TYPE, null, null, Map.of(), null)));
        DrainPlanner planner = new DrainPlanner(DowntimeEstimate.VSPHERE_10GBE);

        DrainPlanner.Plan plan = planner.plan("drain-1", host, null, true, "FAILED", FleetFixtures.T0);
        DrainPlanner.Plan again = planner.plan("drain-1", host, null, true, "FAILED", FleetFixtures.T0);

        assertThat(plan.migrations()).singleElement().satisfies(saga -> {
            assertThat(saga.step()).isEqualTo(MigrationStep.QUEUED);
            assertThat(saga.urgent()).isTrue();
            assertThat(saga.drainId()).isEqualTo("drain-1");
            assertThat(saga.estimatedDowntimeMillis()).isEqualTo(60_500);
        });
        assertThat(again.migrations().get(0).migrationId()).isEqualTo(plan.migrations().get(0).migrationId());
        assertThat(plan.drain().items()).extracting(Drain.Item::vgpuUuid, Drain.Item::unplaced)
                .contains(org.assertj.core.groups.Tuple.tuple(idle, "no VM holds it: nothing to live-migrate"));
        assertThat(planner.plan("drain-2", host, "GPU-00000000-0000-4000-8000-000000000000", false, "x",
                FleetFixtures.T0).drain().items()).isEmpty();
    }
}
