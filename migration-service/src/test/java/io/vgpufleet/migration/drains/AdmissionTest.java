package io.vgpufleet.migration.drains;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.migration.FleetFixtures;
import io.vgpufleet.migration.downtime.DowntimeEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void urgentMigrationsStartFirstAndNoLimitIsEverExceeded() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int perSource = 1 + random.nextInt(3);
            int fleetWide = 1 + random.nextInt(6);
            List<MigrationSaga> sagas = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String host = "h" + random.nextInt(4);
                MigrationStep step = random.nextInt(3) == 0 ? MigrationStep.MIGRATE : MigrationStep.QUEUED;
                sagas.add(saga("m" + i, host, random.nextBoolean(), step, i));
            }
            long runningBefore = sagas.stream().filter(s -> s.step() == MigrationStep.MIGRATE).count();
            List<MigrationSaga> admitted = new Admission(perSource, fleetWide).admit(sagas);

            List<MigrationSaga> running = new ArrayList<>(admitted);
            sagas.stream().filter(s -> s.step() == MigrationStep.MIGRATE).forEach(running::add);
            assertThat(running.size()).isLessThanOrEqualTo((int) Math.max(fleetWide, runningBefore));
            for (int h = 0; h < 4; h++) {
                String host = "h" + h;
                long admittedHere = admitted.stream().filter(s -> s.sourceHostId().equals(host)).count();
                long runningHere = sagas.stream().filter(s -> s.step() == MigrationStep.MIGRATE
                        && s.sourceHostId().equals(host)).count();
                if (admittedHere > 0) {
                    assertThat(admittedHere + runningHere).isLessThanOrEqualTo(perSource);
                }
            }
            // an operator migration started while an urgent one waits: only the urgent one's source limit explains it
            if (admitted.stream().anyMatch(s -> !s.urgent())) {
                for (MigrationSaga waiting : sagas) {
                    if (waiting.urgent() && waiting.step() == MigrationStep.QUEUED && !admitted.contains(waiting)) {
                        long busy = running.stream().filter(s -> s.sourceHostId().equals(waiting.sourceHostId())).count();
                        assertThat(busy).isGreaterThanOrEqualTo(perSource);
                    }
                }
            }
        }
    }

    @Test
    void anUrgentSagaTakesTheOnlySlotBeforeAnOlderOperatorOne() {
        MigrationSaga older = saga("a", "h1", false, MigrationStep.QUEUED, 0);
        MigrationSaga urgent = saga("b", "h1", true, MigrationStep.QUEUED, 5);

        assertThat(new Admission(1, 1).admit(List.of(older, urgent))).containsExactly(urgent);
        assertThat(new Admission(1, 5).admit(List.of(older, saga("c", "h2", false, MigrationStep.QUEUED, 9))))
                .extracting(MigrationSaga::migrationId).containsExactly("a", "c");
    }

    private static MigrationSaga saga(String id, String host, boolean urgent, MigrationStep step, int second) {
        MigrationSaga queued = io.vgpufleet.migration.sagas.MigrationRequests.queued(id, null, urgent,
                FleetFixtures.source(host), FleetFixtures.source(host).vgpus().get(0), null,
                DowntimeEstimate.VSPHERE_10GBE, FleetFixtures.T0.plusSeconds(second));
        return queued.toBuilder().step(step).build();
    }
}
