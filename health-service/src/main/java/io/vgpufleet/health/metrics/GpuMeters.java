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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Turns what the health topology reads and decides into meters: the dcgm-exporter gauges and the verdict per
 * pGPU <em>that has something to report</em>, the count of pGPUs per verdict, Xid counts per code, and the
 * records consumed and dead-lettered (the names every service shares).
 *
 * <p>A pGPU's series are registered the first time one of its values is not zero or its verdict is not
 * HEALTHY, and stay from then on; a pGPU that never reported an error has none (ADR 0013: at 80,000 pGPUs,
 * twelve Micrometer gauges per pGPU held 6.5 KiB of heap each pGPU and a scrape rendered 960,000 series). Its
 * values are kept all the same, so its series start with the current ones. {@code vgpu_health_gpus} counts
 * every pGPU with a verdict, healthy ones included.
 *
 * <p>A record reprocessed after a stream-thread failure counts twice in the counters; gauges are unaffected.
 * Records produced count when the topology hands them to its sink: an aborted transaction's records count
 * too.
 */
public final class GpuMeters implements HealthTopology.Listener {

    /** Where the verdict sits among a pGPU's values, after the dcgm-exporter gauges. */
    private static final int HEALTH = HealthMetrics.DCGM_GAUGES.size();
    // where each dcgm gauge's value sits in a pGPU's values
    private static final int AT_ECC_SBE_VOL_TOTAL = at(HealthMetrics.ECC_SBE_VOL_TOTAL);
    private static final int AT_ECC_DBE_VOL_TOTAL = at(HealthMetrics.ECC_DBE_VOL_TOTAL);
    private static final int AT_ECC_SBE_AGG_TOTAL = at(HealthMetrics.ECC_SBE_AGG_TOTAL);
    private static final int AT_ECC_DBE_AGG_TOTAL = at(HealthMetrics.ECC_DBE_AGG_TOTAL);
    private static final int AT_RETIRED_SBE = at(HealthMetrics.RETIRED_SBE);
    private static final int AT_RETIRED_DBE = at(HealthMetrics.RETIRED_DBE);
    private static final int AT_RETIRED_PENDING = at(HealthMetrics.RETIRED_PENDING);
    private static final int AT_CORRECTABLE_REMAPPED_ROWS = at(HealthMetrics.CORRECTABLE_REMAPPED_ROWS);
    private static final int AT_UNCORRECTABLE_REMAPPED_ROWS = at(HealthMetrics.UNCORRECTABLE_REMAPPED_ROWS);
    private static final int AT_ROW_REMAP_FAILURE = at(HealthMetrics.ROW_REMAP_FAILURE);
    private static final int AT_XID_ERRORS = at(HealthMetrics.XID_ERRORS);

    private final MeterRegistry registry;
    private final Map<String, Pgpu> pgpus = new ConcurrentHashMap<>();
    private final Map<GpuHealth, AtomicLong> verdictCounts = new EnumMap<>(GpuHealth.class);

    public GpuMeters(MeterRegistry registry) {
        this.registry = registry;
        for (GpuHealth health : GpuHealth.values()) {
            AtomicLong count = new AtomicLong();
            verdictCounts.put(health, count);
            Gauge.builder(HealthMetrics.GPUS, count, AtomicLong::doubleValue)
                    .description("pGPUs with this verdict, as this instance last decided it")
                    .tags(HealthMetrics.LABEL_HEALTH, health.name())
                    .strongReference(true)
                    .register(registry);
        }
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
        Pgpu pgpu = pgpu(state.gpuUuid(), state.hostId());
        GpuHealth before;
        synchronized (pgpu) {
            before = pgpu.verdict;
            pgpu.verdict = state.health();
            pgpu.values.set(HEALTH, state.health().ordinal());
        }
        if (before != state.health()) {
            if (before != null) {
                verdictCounts.get(before).decrementAndGet();
            }
            verdictCounts.get(state.health()).incrementAndGet();
            registry.counter(HealthMetrics.TRANSITIONS, HealthMetrics.LABEL_FROM,
                    before == null ? HealthMetrics.UNKNOWN : before.name(), HealthMetrics.LABEL_TO,
                    state.health().name()).increment();
        }
        exportIfReporting(pgpu);
    }

    @Override
    public void produced(String topic, String ceType) {
        registry.counter(ServiceMetrics.RECORDS_PRODUCED, "topic", topic, "type", ceType).increment();
    }

    void record(HealthSignal signal) {
        Pgpu pgpu = pgpu(signal.gpuUuid(), signal.hostId());
        AtomicLongArray values = pgpu.values;
        if (signal instanceof EccErrorsObserved ecc) {
            values.set(AT_ECC_SBE_VOL_TOTAL, ecc.counters().correctedVolatile());
            values.set(AT_ECC_DBE_VOL_TOTAL, ecc.counters().uncorrectedVolatile());
            values.set(AT_ECC_SBE_AGG_TOTAL, ecc.counters().correctedAggregate());
            values.set(AT_ECC_DBE_AGG_TOTAL, ecc.counters().uncorrectedAggregate());
        } else if (signal instanceof PagesRetired pages) {
            values.set(AT_RETIRED_SBE, pages.singleBitEccPages());
            values.set(AT_RETIRED_DBE, pages.doubleBitEccPages());
            values.set(AT_RETIRED_PENDING, pages.pending() ? 1 : 0);
        } else if (signal instanceof RowsRemapped rows) {
            values.set(AT_CORRECTABLE_REMAPPED_ROWS, rows.correctableRows());
            values.set(AT_UNCORRECTABLE_REMAPPED_ROWS, rows.uncorrectableRows());
            values.set(AT_ROW_REMAP_FAILURE, rows.failure() ? 1 : 0);
        } else if (signal instanceof XidErrorObserved xid) {
            values.set(AT_XID_ERRORS, xid.xid());
            registry.counter(HealthMetrics.XID_ERRORS_BY_CODE, HealthMetrics.LABEL_UUID, xid.gpuUuid(),
                    HealthMetrics.LABEL_HOSTNAME, xid.hostId(), HealthMetrics.LABEL_XID, Integer.toString(xid.xid()))
                    .increment();
        }
        exportIfReporting(pgpu);
    }

    /**
     * A pGPU's facts from its host's snapshot: its gauges take dcgm-exporter's {@code gpu}, {@code pci_bus_id},
     * {@code device} and {@code modelName} labels (empty until then). Gauges whose labels change are registered
     * again under the new labels, keeping their values; the old series end.
     */
    @Override
    public void described(GpuFacts facts) {
        Labels labels = new Labels(Integer.toString(facts.index()).intern(), facts.pciBusId().intern(),
                facts.device().intern(), facts.model().intern(), facts.hostId());
        Pgpu pgpu = pgpus.computeIfAbsent(facts.gpuUuid(), gpu -> new Pgpu(gpu, labels));
        synchronized (pgpu) {
            if (!pgpu.labels.equals(labels)) {
                pgpu.labels = labels;
                if (pgpu.meters != null) {
                    pgpu.meters.forEach(registry::remove);
                    pgpu.meters = register(pgpu);
                }
            }
        }
    }

    /** The pGPU's values, kept from its first signal or verdict on, with the labels known then. */
    private Pgpu pgpu(String gpuUuid, String hostId) {
        return pgpus.computeIfAbsent(gpuUuid, gpu -> new Pgpu(gpu, new Labels("", "", "", "", hostId)));
    }

    private static int at(String gauge) {
        int index = HealthMetrics.DCGM_GAUGES.indexOf(gauge);
        if (index < 0) {
            throw new IllegalStateException(gauge + " is not one of HealthMetrics.DCGM_GAUGES");
        }
        return index;
    }

    /** Registers the pGPU's series once a value is not zero or its verdict is not HEALTHY. */
    private void exportIfReporting(Pgpu pgpu) {
        if (pgpu.meters != null || !pgpu.reporting()) {
            return;
        }
        synchronized (pgpu) {
            if (pgpu.meters == null) {
                pgpu.meters = register(pgpu);
            }
        }
    }

    private List<Meter> register(Pgpu pgpu) {
        Labels labels = pgpu.labels;
        AtomicLongArray values = pgpu.values;
        List<Meter> meters = new ArrayList<>(HEALTH + 1);
        Tags dcgm = Tags.of(
                HealthMetrics.LABEL_GPU, labels.gpu(),
                HealthMetrics.LABEL_UUID, pgpu.uuid,
                HealthMetrics.LABEL_PCI_BUS_ID, labels.pciBusId(),
                HealthMetrics.LABEL_DEVICE, labels.device(),
                HealthMetrics.LABEL_MODEL_NAME, labels.modelName(),
                HealthMetrics.LABEL_HOSTNAME, labels.hostname());
        for (int index = 0; index < HEALTH; index++) {
            int at = index;
            meters.add(Gauge.builder(HealthMetrics.DCGM_GAUGES.get(index), values, all -> all.get(at)).tags(dcgm)
                    .strongReference(true).register(registry));
        }
        meters.add(Gauge.builder(HealthMetrics.HEALTH_STATE, values, all -> all.get(HEALTH))
                .description("pGPU verdict: 0 HEALTHY, 1 DEGRADED, 2 DRAINING, 3 FAILED")
                .tags(HealthMetrics.LABEL_UUID, pgpu.uuid, HealthMetrics.LABEL_HOSTNAME, labels.hostname())
                .strongReference(true)
                .register(registry));
        return meters;
    }

    private record Labels(String gpu, String pciBusId, String device, String modelName, String hostname) {}

    /** One pGPU: its values (the dcgm gauges, then the verdict's ordinal), its labels, its meters once exported. */
    private static final class Pgpu {
        final String uuid;
        final AtomicLongArray values = new AtomicLongArray(HEALTH + 1);
        Labels labels;
        GpuHealth verdict;
        volatile List<Meter> meters;

        Pgpu(String uuid, Labels labels) {
            this.uuid = uuid;
            this.labels = labels;
        }

        boolean reporting() {
            for (int index = 0; index < values.length(); index++) {
                if (values.get(index) != 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
