package io.vgpufleet.system.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The names read from the repository's real rules and dashboards: the ones they are written on, and no label or function. */
class OperatorFilesTest {

    @Test
    void theRealRulesAndDashboardsYieldMetricNamesOnly() {
        Map<String, Set<String>> used = OperatorFiles.usedNames();

        assertThat(used.keySet()).contains("vgpu_health_state", "up", "DCGM_FI_DEV_RETIRED_PENDING",
                "kafka_consumer_fetch_manager_records_lag_max", "vgpu_records_dead_lettered_total",
                "vgpu_inventory_placement_duration_seconds_bucket", "vgpu_inventory_vgpu_present",
                "vgpu_records_produced_total", "vgpu_health_transitions_total");
        assertThat(used.keySet()).doesNotContainAnyElementsOf(Set.of("UUID", "Hostname", "topic", "type", "le",
                "outcome", "job", "instance", "client_id", "xid", "from", "to", "sum", "rate", "increase", "by"));
        assertThat(used.keySet()).allMatch(name -> name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"));
        assertThat(used.get("vgpu_health_state")).contains("deploy/prometheus/rules/vgpu-fleet.rules.yml",
                "deploy/grafana/dashboards/pgpu-health.json");
    }
}
