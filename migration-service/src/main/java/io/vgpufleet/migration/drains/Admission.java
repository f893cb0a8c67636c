package io.vgpufleet.migration.drains;

import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

/**
 * Which QUEUED migrations may start now: urgent (health-triggered) ones first, then oldest first, while the
 * fleet-wide limit and the per-source-host limit of running migrations hold. The per-target-host limit is
 * the saga's own, at CLAIM_TARGET (the target is not known before). Pure.
 *
 * @param perSourceHost the most migrations running off one host at once
 * @param fleetWide the most migrations running at once
 */
public record Admission(int perSourceHost, int fleetWide) {

    public Admission {
        if (perSourceHost < 1 || fleetWide < 1) {
            throw new IllegalArgumentException("concurrency limits must be at least 1");
        }
    }

    public static final Comparator<MigrationSaga> ORDER = Comparator.comparing((MigrationSaga saga) -> !saga.urgent())
            .thenComparing(MigrationSaga::createdAt)
            .thenComparing(MigrationSaga::migrationId);

    public List<MigrationSaga> admit(Collection<MigrationSaga> sagas) {
        Map<String, Integer> running = new HashMap<>();
        int total = 0;
        List<MigrationSaga> queued = new ArrayList<>();
        for (MigrationSaga saga : sagas) {
            if (saga.step() == MigrationStep.QUEUED) {
                queued.add(saga);
            } else if (!saga.step().terminal()) {
                running.merge(saga.sourceHostId(), 1, Integer::sum);
                total++;
            }
        }
        queued.sort(ORDER);
        List<MigrationSaga> admitted = new ArrayList<>();
        for (MigrationSaga saga : queued) {
            if (total >= fleetWide) {
                break;
            }
            if (running.getOrDefault(saga.sourceHostId(), 0) >= perSourceHost) {
                continue;
            }
            running.merge(saga.sourceHostId(), 1, Integer::sum);
            total++;
            admitted.add(saga);
        }
        return admitted;
    }
}
