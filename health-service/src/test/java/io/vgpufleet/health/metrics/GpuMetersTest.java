package io.vgpufleet.health.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.health.hosts.GpuFacts;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.policy.HealthPolicy;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.health.policy.Signals;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The exported names are exactly dcgm-exporter's: no lower-casing, no {@code _total} appended, its labels. */
class GpuMetersTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GpuMeters meters = new GpuMeters(registry);

    @Test
    void everyDcgmGaugeRendersUnderItsOwnNameWithDcgmLabels() {
        meters.record(Signals.ecc(T0, 7, 1, 7));
        meters.record(Signals.pages(T0, 3, 2, true));
        meters.record(Signals.rows(T0, 4, 5, false, true));
        meters.record(Signals.xid(T0, 79));

        String scrape = registry.scrape();

        for (String name : HealthMetrics.DCGM_GAUGES) {
            assertThat(scrape).contains("# TYPE " + name + " gauge");
        }
        String labels = "{Hostname=\"" + Signals.HOST + "\",UUID=\"" + Signals.GPU
                + "\",device=\"\",gpu=\"\",modelName=\"\",pci_bus_id=\"\"}";
        assertThat(scrape).contains("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL" + labels + " 7.0")
                .contains("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL" + labels + " 1.0")
                .contains("DCGM_FI_DEV_ECC_SBE_AGG_TOTAL" + labels + " 17.0")
                .contains("DCGM_FI_DEV_RETIRED_SBE" + labels + " 3.0")
                .contains("DCGM_FI_DEV_RETIRED_DBE" + labels + " 2.0")
                .contains("DCGM_FI_DEV_RETIRED_PENDING" + labels + " 1.0")
                .contains("DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS" + labels + " 4.0")
                .contains("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS" + labels + " 5.0")
                .contains("DCGM_FI_DEV_ROW_REMAP_FAILURE" + labels + " 1.0")
                .contains("DCGM_FI_DEV_XID_ERRORS" + labels + " 79.0")
                .doesNotContain("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL_total");
        assertThat(scrape).contains("vgpu_health_xid_errors_total{Hostname=\"" + Signals.HOST + "\",UUID=\""
                + Signals.GPU + "\",xid=\"79\"} 1.0");
    }

    @Test
    void theVerdictIsAGaugePerPgpu() {
        GpuHealthState failed = new HealthPolicyEngine(HealthPolicy.defaults())
                .apply(null, Signals.xid(T0, 48), T0).state();

        meters.stateChanged(failed);

        assertThat(registry.scrape()).contains(
                "vgpu_health_state{Hostname=\"" + Signals.HOST + "\",UUID=\"" + Signals.GPU + "\"} 3.0");
    }

    @Test
    void aSnapshotFillsTheDcgmLabelsAndKeepsTheValues() {
        meters.record(Signals.ecc(T0, 7, 1, 7));
        GpuFacts facts = new GpuFacts(Signals.HOST, Signals.GPU, 2, "00000000:AF:00.0", "Tesla T4", EccMode.ON, false,
                1);

        meters.described(facts);
        meters.described(facts);

        String scrape = registry.scrape();
        String labels = "{Hostname=\"" + Signals.HOST + "\",UUID=\"" + Signals.GPU
                + "\",device=\"nvidia2\",gpu=\"2\",modelName=\"Tesla T4\",pci_bus_id=\"00000000:AF:00.0\"}";
        assertThat(scrape).contains("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL" + labels + " 7.0")
                .as("the unlabelled series ended").doesNotContain("gpu=\"\"");
        meters.record(Signals.ecc(T0, 9, 1, 2));
        assertThat(registry.scrape()).contains("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL" + labels + " 9.0");
    }

    @Test
    void verdictChangesCountByFromAndToAndARepeatedVerdictDoesNot() {
        HealthPolicyEngine engine = new HealthPolicyEngine(HealthPolicy.defaults());
        GpuHealthState failed = engine.apply(null, Signals.xid(T0, 48), T0).state();
        GpuHealthState healthy = engine.apply(null, Signals.ecc(T0, 0, 0, 0), T0).state();

        meters.stateChanged(healthy);
        meters.stateChanged(healthy);
        meters.stateChanged(failed);

        assertThat(registry.scrape())
                .contains("vgpu_health_transitions_total{from=\"UNKNOWN\",to=\"HEALTHY\"} 1.0")
                .contains("vgpu_health_transitions_total{from=\"HEALTHY\",to=\"FAILED\"} 1.0")
                .doesNotContain("from=\"HEALTHY\",to=\"HEALTHY\"");
    }

    @Test
    void recordsHandedToTheSinksCountPerTopicAndType() {
        meters.produced("vgpu.health.drain-requests.v1", "vgpu.health.drain-requested.v1");
        meters.produced("vgpu.health.drain-requests.v1", "vgpu.health.drain-requested.v1");

        assertThat(registry.scrape()).contains("vgpu_records_produced_total{topic=\"vgpu.health.drain-requests.v1\","
                + "type=\"vgpu.health.drain-requested.v1\"} 2.0");
    }
}
