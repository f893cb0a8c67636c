package io.vgpufleet.migration.runtime;

import io.vgpufleet.contracts.migration.Drain;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A drain with the state of its migrations: RUNNING while any has not ended, then COMPLETED when every
 * vGPU moved, else INCOMPLETE (some vGPU could not be moved: its item or its migration says why).
 */
public record DrainStatus(Drain drain, String state, Map<MigrationStep, Integer> byStep,
        Map<String, MigrationSaga> migrations) {

    static DrainStatus of(Drain drain, Function<String, MigrationSaga> sagas) {
        Map<MigrationStep, Integer> byStep = new EnumMap<>(MigrationStep.class);
        Map<String, MigrationSaga> migrations = new java.util.LinkedHashMap<>();
        boolean running = false;
        boolean allMoved = true;
        for (Drain.Item item : drain.items()) {
            if (item.migrationId() == null) {
                allMoved = false;
                continue;
            }
            MigrationSaga saga = sagas.apply(item.migrationId());
            if (saga == null) {
                allMoved = false;
                continue;
            }
            migrations.put(item.migrationId(), saga);
            byStep.merge(saga.step(), 1, Integer::sum);
            running |= !saga.step().terminal();
            allMoved &= saga.step() == MigrationStep.COMPLETED;
        }
        return new DrainStatus(drain, running ? "RUNNING" : allMoved ? "COMPLETED" : "INCOMPLETE", byStep, migrations);
    }
}
