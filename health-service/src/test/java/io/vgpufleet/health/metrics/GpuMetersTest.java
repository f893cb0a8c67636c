package io.vgpufleet.health.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.health.hosts.GpuFacts;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.policy.HealthPolicy;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.health.policy.Signals;
import java.time.Instant;
import java.util.List;
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
    void aPgpuWithNothingToReportHasNoSeriesButIsCountedAndItsSeriesStartWithItsValuesOnceItHas() {
        HealthPolicyEngine engine = new HealthPolicyEngine(HealthPolicy.defaults());
        for (int gpu = 0; gpu < 1_000; gpu++) {
            String uuid = String.format("GPU-%08d-2222-3333-4444-555555555555", gpu);
            EccErrorsObserved zero = new EccErrorsObserved(Signals.HOST, uuid, T0, SignalSource.POLL, EccCounters.ZERO,
                    EccCounters.ZERO);
            this.meters.described(new GpuFacts(Signals.HOST, uuid, gpu % 8, "00000000:AF:00.0", "Tesla T4", EccMode.ON,
                    false, 0));
            this.meters.record(zero);
            this.meters.stateChanged(engine.apply(null, zero, T0).state());
        }

        assertThat(perPgpu()).as("a thousand healthy pGPUs add no meter of their own").isEmpty();
        assertThat(registry.scrape()).contains("vgpu_health_gpus{health=\"HEALTHY\"} 1000.0")
                .contains("vgpu_health_gpus{health=\"FAILED\"} 0.0")
                .doesNotContain("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL{").doesNotContain("vgpu_health_state{");

        String first = String.format("GPU-%08d-2222-3333-4444-555555555555", 1);
        this.meters.record(new PagesRetired(Signals.HOST, first, T0, SignalSource.POLL, 2, 0, true));
        String scrape = registry.scrape();
        String labels = "{Hostname=\"" + Signals.HOST + "\",UUID=\"" + first
                + "\",device=\"nvidia1\",gpu=\"1\",modelName=\"Tesla T4\",pci_bus_id=\"00000000:AF:00.0\"}";
        assertThat(scrape).contains("DCGM_FI_DEV_RETIRED_SBE" + labels + " 2.0")
                .contains("DCGM_FI_DEV_RETIRED_PENDING" + labels + " 1.0")
                .contains("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL" + labels + " 0.0")
                .contains("vgpu_health_state{Hostname=\"" + Signals.HOST + "\",UUID=\"" + first + "\"} 0.0");
        assertThat(perPgpu()).hasSize(HealthMetrics.DCGM_GAUGES.size() + 1)
                .allMatch(meter -> first.equals(meter.getId().getTag(HealthMetrics.LABEL_UUID)));
    }

    @Test
    void aVerdictNotHealthyExportsThePgpuAndMovesItBetweenTheCounts() {
        HealthPolicyEngine engine = new HealthPolicyEngine(HealthPolicy.defaults());
        EccErrorsObserved zero = new EccErrorsObserved(Signals.HOST, Signals.GPU, T0, SignalSource.POLL,
                EccCounters.ZERO, EccCounters.ZERO);
        GpuHealthState healthy = engine.apply(null, zero, T0).state();
        meters.stateChanged(healthy);
        meters.stateChanged(healthy);

        assertThat(registry.scrape()).contains("vgpu_health_gpus{health=\"HEALTHY\"} 1.0");

        GpuHealthState failed = engine.apply(healthy, Signals.xid(T0, 48), T0).state();
        assertThat(failed.health()).isEqualTo(GpuHealth.FAILED);
        meters.stateChanged(failed);

        assertThat(registry.scrape()).contains("vgpu_health_gpus{health=\"HEALTHY\"} 0.0")
                .contains("vgpu_health_gpus{health=\"FAILED\"} 1.0")
                .contains("vgpu_health_state{Hostname=\"" + Signals.HOST + "\",UUID=\"" + Signals.GPU + "\"} 3.0");
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

    /** The meters labelled with a pGPU's UUID. */
    private List<Meter> perPgpu() {
        return registry.getMeters().stream().filter(meter -> meter.getId().getTag(HealthMetrics.LABEL_UUID) != null)
                .toList();
    }
}
