package io.vgpufleet.system.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricNamesTest {

    @Test
    void aSelectorWithLabelMatchersAndARangeIsOneName() {
        assertThat(MetricNames.inPromQl("rate(vgpu_records_consumed_total{topic=~\"vgpu.agent.*\", type!=\"x\"}[5m])"))
                .containsExactly("vgpu_records_consumed_total");
    }

    @Test
    void functionsKeywordsGroupingLabelsAndNumbersAreNotNames() {
        assertThat(MetricNames.inPromQl("histogram_quantile(0.99, sum by (le, outcome) "
                + "(rate(vgpu_inventory_placement_duration_seconds_bucket[$__rate_interval]))) > bool 1e3"))
                .containsExactly("vgpu_inventory_placement_duration_seconds_bucket");
        assertThat(MetricNames.inPromQl("count(vgpu_health_state == 2) or vector(0)"))
                .containsExactly("vgpu_health_state");
        assertThat(MetricNames.inPromQl("max without (instance) (up offset 5m)")).containsExactly("up");
    }

    @Test
    void bothSidesOfABinaryOperationAndVectorMatchingCount() {
        assertThat(MetricNames.inPromQl("vgpu_inventory_gpu_vgpus and on (UUID) group_left (Hostname) "
                + "(vgpu_health_state == 2) / ignoring(x) DCGM_FI_DEV_XID_ERRORS unless up"))
                .containsExactly("DCGM_FI_DEV_XID_ERRORS", "up", "vgpu_health_state", "vgpu_inventory_gpu_vgpus");
    }

    @Test
    void stringsAndGrafanaVariablesNeverBecomeNames() {
        assertThat(MetricNames.inPromQl("label_replace(vgpu_health_state{Hostname=~\"$Hostname\"}, \"host\", "
                + "\"$1\", \"Hostname\", \"(.*) not_a_metric\") * ${factor}"))
                .containsExactly("vgpu_health_state");
    }

    @Test
    void labelValuesReadsOnlyItsSelector() {
        assertThat(MetricNames.inPromQl("label_values(vgpu_inventory_gpu_vgpus{Hostname=~\"$Hostname\"}, UUID)"))
                .containsExactly("vgpu_inventory_gpu_vgpus");
    }

    @Test
    void rulesGiveTheNamesOfEveryExpression() {
        String yaml = """
                groups:
                  - name: a
                    rules:
                      - alert: X
                        expr: up{job="j"} == 0
                        annotations: {summary: "not_a_metric {{ $labels.instance }}"}
                  - name: b
                    rules:
                      - record: job:sum
                        expr: sum by (job) (rate(vgpu_agent_commands_total[5m]))
                """;
        assertThat(MetricNames.inRules(yaml)).containsExactly("up", "vgpu_agent_commands_total");
    }

    @Test
    void aRuleFileWithoutGroupsIsRefused() {
        assertThatThrownBy(() -> MetricNames.inRules("rules: []")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groups");
    }

    @Test
    void dashboardsGiveTargetsOfNestedPanelsAndVariableQueries() {
        String json = """
                {"panels": [
                   {"type": "row", "panels": [{"targets": [{"expr": "sum(vgpu_inventory_hosts)"}]}]},
                   {"targets": [{"expr": "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{UUID=~\\"$UUID\\"}"}, {"refId": "B"}]}],
                 "templating": {"list": [
                   {"type": "query", "query": {"query": "label_values(vgpu_health_state, Hostname)"}},
                   {"type": "custom", "query": "a,b"}]}}
                """;
        assertThat(MetricNames.inDashboard(json))
                .containsExactly("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "vgpu_health_state", "vgpu_inventory_hosts");
    }

    @Test
    void aDashboardWithoutQueriesIsRefusedRatherThanPassingEmpty() {
        assertThatThrownBy(() -> MetricNames.inDashboard("{\"panels\": []}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aScrapeGivesItsSampleNamesNotItsComments() {
        String scrape = """
                # HELP vgpu_agent_gpus pGPUs
                # TYPE vgpu_agent_gpus gauge
                vgpu_agent_gpus{host="sim-01"} 2.0
                vgpu_inventory_placement_duration_seconds_bucket{le="0.001",outcome="placed"} 0
                up 1
                # TYPE only_described gauge
                """;
        assertThat(MetricNames.inScrape(scrape))
                .containsExactly("up", "vgpu_agent_gpus", "vgpu_inventory_placement_duration_seconds_bucket");
    }
}
