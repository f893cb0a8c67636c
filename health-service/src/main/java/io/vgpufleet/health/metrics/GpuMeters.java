package io.vgpufleet.health.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.streams.HealthTopology;
import io.vgpufleet.service.messaging.ServiceMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns what the health topology reads and decides into meters: the dcgm-exporter gauges per pGPU, the
 * verdict, Xid counts per code, and the records consumed and dead-lettered (the names every service shares).
 * A record reprocessed after a stream-thread failure counts twice in the counters; gauges are unaffected.
 * Records produced count when the topology hands them to its sink: an aborted transaction's records count
 * too.
 */
public final class GpuMeters implements HealthTopology.Listener {

    private final MeterRegistry registry;
    private final Map<String, Map<String, AtomicLong>> values = new ConcurrentHashMap<>();
    private final Map<String, GpuHealth> verdicts = new ConcurrentHashMap<>();

    public GpuMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void consumed(String topic, String ceType, Object payload) {
        registry.counter(ServiceMetrics.RECORDS_CONSUMED, "topic", topic, "type", ceType).increment();
        if (payload instanceof HealthSignal signal) {
            record(signal);
        }
    }

    @Override
    public void deadLettered(String topic, String reason) {
        registry.counter(ServiceMetrics.RECORDS_DEAD_LETTERED, "topic", topic).increment();
    }

    @Override
    public void stateChanged(GpuHealthState state) {
        gauges(state.gpuUuid(), state.hostId()).get(HealthMetrics.HEALTH_STATE).set(state.health().ordinal());
        GpuHealth before = verdicts.put(state.gpuUuid(), state.health());
        if (before != state.health()) {
            registry.counter(HealthMetrics.TRANSITIONS, HealthMetrics.LABEL_FROM,
                    before == null ? HealthMetrics.UNKNOWN : before.name(), HealthMetrics.LABEL_TO,
                    state.health().name()).increment();
        }
    }

    @Override
    public void produced(String topic, String ceType) {
        registry.counter(ServiceMetrics.RECORDS_PRODUCED, "topic", topic, "type", ceType).increment();
    }

    void record(HealthSignal signal) {
        Map<String, AtomicLong> gauges = gauges(signal.gpuUuid(), signal.hostId());
        if (signal instanceof EccErrorsObserved ecc) {
            gauges.get(HealthMetrics.ECC_SBE_VOL_TOTAL).set(ecc.counters().correctedVolatile());
            gauges.get(HealthMetrics.ECC_DBE_VOL_TOTAL).set(ecc.counters().uncorrectedVolatile());
            gauges.get(HealthMetrics.ECC_SBE_AGG_TOTAL).set(ecc.counters().correctedAggregate());
            gauges.get(HealthMetrics.ECC_DBE_AGG_TOTAL).set(ecc.counters().uncorrectedAggregate());
        } else if (signal instanceof PagesRetired pages) {
            gauges.get(HealthMetrics.RETIRED_SBE).set(pages.singleBitEccPages());
            gauges.get(HealthMetrics.RETIRED_DBE).set(pages.doubleBitEccPages());
            gauges.get(HealthMetrics.RETIRED_PENDING).set(pages.pending() ? 1 : 0);
        } else if (signal instanceof RowsRemapped rows) {
            gauges.get(HealthMetrics.CORRECTABLE_REMAPPED_ROWS).set(rows.correctableRows());
            gauges.get(HealthMetrics.UNCORRECTABLE_REMAPPED_ROWS).set(rows.uncorrectableRows());
            gauges.get(HealthMetrics.ROW_REMAP_FAILURE).set(rows.failure() ? 1 : 0);
        } else if (signal instanceof XidErrorObserved xid) {
            gauges.get(HealthMetrics.XID_ERRORS).set(xid.xid());
            registry.counter(HealthMetrics.XID_ERRORS_BY_CODE, HealthMetrics.LABEL_UUID, xid.gpuUuid(),
                    HealthMetrics.LABEL_HOSTNAME, xid.hostId(), HealthMetrics.LABEL_XID, Integer.toString(xid.xid()))
                    .increment();
        }
    }

    /** The pGPU's gauges, registered on first sight with the labels known then. */
    private Map<String, AtomicLong> gauges(String gpuUuid, String hostId) {
        return values.computeIfAbsent(gpuUuid, gpu -> {
            Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
            Tags dcgm = Tags.of(
                    HealthMetrics.LABEL_GPU, "",
                    HealthMetrics.LABEL_UUID, gpu,
                    HealthMetrics.LABEL_PCI_BUS_ID, "",
                    HealthMetrics.LABEL_DEVICE, "",
                    HealthMetrics.LABEL_MODEL_NAME, "",
                    HealthMetrics.LABEL_HOSTNAME, hostId);
            for (String name : HealthMetrics.DCGM_GAUGES) {
                AtomicLong value = new AtomicLong();
                gauges.put(name, value);
                Gauge.builder(name, value, AtomicLong::doubleValue).tags(dcgm).strongReference(true).register(registry);
            }
            AtomicLong health = new AtomicLong();
            gauges.put(HealthMetrics.HEALTH_STATE, health);
            Gauge.builder(HealthMetrics.HEALTH_STATE, health, AtomicLong::doubleValue)
                    .description("pGPU verdict: 0 HEALTHY, 1 DEGRADED, 2 DRAINING, 3 FAILED")
                    .tags(HealthMetrics.LABEL_UUID, gpu, HealthMetrics.LABEL_HOSTNAME, hostId)
                    .strongReference(true)
                    .register(registry);
            return gauges;
        });
    }
}
