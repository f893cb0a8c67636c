package io.vgpufleet.health.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.health.hosts.GpuFacts;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.streams.HealthTopology;
import io.vgpufleet.service.messaging.ServiceMetrics;
import java.util.ArrayList;
import java.util.List;
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
    private final Map<String, Pgpu> pgpus = new ConcurrentHashMap<>();
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

    /**
     * A pGPU's facts from its host's snapshot: its gauges take dcgm-exporter's {@code gpu}, {@code pci_bus_id},
     * {@code device} and {@code modelName} labels (empty until then). Gauges whose labels change are registered
     * again under the new labels, keeping their values; the old series end.
     */
    @Override
    public void described(GpuFacts facts) {
        Labels labels = new Labels(Integer.toString(facts.index()), facts.pciBusId(), facts.device(), facts.model(),
                facts.hostId());
        Pgpu pgpu = pgpus.get(facts.gpuUuid());
        if (pgpu == null) {
            pgpus.computeIfAbsent(facts.gpuUuid(), gpu -> register(gpu, labels, new ConcurrentHashMap<>()));
        } else if (!pgpu.labels().equals(labels)) {
            synchronized (this) {
                pgpu.meters().forEach(registry::remove);
                pgpus.put(facts.gpuUuid(), register(facts.gpuUuid(), labels, pgpu.values()));
            }
        }
    }

    /** The pGPU's gauges, registered on first sight with the labels known then. */
    private Map<String, AtomicLong> gauges(String gpuUuid, String hostId) {
        return pgpus.computeIfAbsent(gpuUuid,
                gpu -> register(gpu, new Labels("", "", "", "", hostId), new ConcurrentHashMap<>())).values();
    }

    private Pgpu register(String gpu, Labels labels, Map<String, AtomicLong> values) {
        List<Meter> meters = new ArrayList<>();
        Tags dcgm = Tags.of(
                HealthMetrics.LABEL_GPU, labels.gpu(),
                HealthMetrics.LABEL_UUID, gpu,
                HealthMetrics.LABEL_PCI_BUS_ID, labels.pciBusId(),
                HealthMetrics.LABEL_DEVICE, labels.device(),
                HealthMetrics.LABEL_MODEL_NAME, labels.modelName(),
                HealthMetrics.LABEL_HOSTNAME, labels.hostname());
        for (String name : HealthMetrics.DCGM_GAUGES) {
            AtomicLong value = values.computeIfAbsent(name, key -> new AtomicLong());
            meters.add(Gauge.builder(name, value, AtomicLong::doubleValue).tags(dcgm).strongReference(true)
                    .register(registry));
        }
        AtomicLong health = values.computeIfAbsent(HealthMetrics.HEALTH_STATE, key -> new AtomicLong());
        meters.add(Gauge.builder(HealthMetrics.HEALTH_STATE, health, AtomicLong::doubleValue)
                .description("pGPU verdict: 0 HEALTHY, 1 DEGRADED, 2 DRAINING, 3 FAILED")
                .tags(HealthMetrics.LABEL_UUID, gpu, HealthMetrics.LABEL_HOSTNAME, labels.hostname())
                .strongReference(true)
                .register(registry));
        return new Pgpu(labels, values, meters);
    }

    private record Labels(String gpu, String pciBusId, String device, String modelName, String hostname) {}

    private record Pgpu(Labels labels, Map<String, AtomicLong> values, List<Meter> meters) {}
}
