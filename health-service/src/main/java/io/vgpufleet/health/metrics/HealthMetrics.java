package io.vgpufleet.health.metrics;

import java.util.List;

/**
 * Every metric name of the health-service, in one place.
 *
 * <p>The {@code DCGM_FI_DEV_*} names are dcgm-exporter's (its {@code etc/default-counters.csv}: ECC,
 * retired pages, remapped rows and {@code DCGM_FI_DEV_XID_ERRORS}), exported unchanged so operators'
 * dashboards work. They are registered as Micrometer <em>gauges</em>, because Micrometer appends
 * {@code _total} to counters and these names must render exactly; the values are the absolute counters the
 * agent reads from NVML, as dcgm-exporter exports them ({@code rate()} works on them all the same).
 * {@link #RETIRED_PENDING} and {@link #ROW_REMAP_FAILURE} are 1 or 0: the agent reports whether a
 * retirement is pending, not how many pages. {@link #XID_ERRORS} is, as in dcgm-exporter, the value of the
 * last Xid seen.
 *
 * <p>Labels are dcgm-exporter's: {@code gpu}, {@code UUID}, {@code pci_bus_id}, {@code device},
 * {@code modelName}, {@code Hostname}. Health signals carry the pGPU UUID and the host id, which fill
 * {@code UUID} and {@code Hostname}; {@code gpu} (NVML index: position in PCI bus order on the host),
 * {@code pci_bus_id} (NVML's form, {@code 00000000:3B:00.0}), {@code device} ({@code nvidia<gpu>}) and
 * {@code modelName} come from the host's snapshot ({@code hosts.GpuFacts}) and are empty until one is read.
 * {@code Hostname} is the host id the agent reports. Per pGPU, but only for a pGPU with something to report: a
 * value not zero or a verdict not HEALTHY ({@code GpuMeters}, ADR 0013); {@link #GPUS} counts them all.
 */
public final class HealthMetrics {

    public static final String ECC_SBE_VOL_TOTAL = "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL";
    public static final String ECC_DBE_VOL_TOTAL = "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL";
    public static final String ECC_SBE_AGG_TOTAL = "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL";
    public static final String ECC_DBE_AGG_TOTAL = "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL";
    public static final String RETIRED_SBE = "DCGM_FI_DEV_RETIRED_SBE";
    public static final String RETIRED_DBE = "DCGM_FI_DEV_RETIRED_DBE";
    public static final String RETIRED_PENDING = "DCGM_FI_DEV_RETIRED_PENDING";
    public static final String CORRECTABLE_REMAPPED_ROWS = "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS";
    public static final String UNCORRECTABLE_REMAPPED_ROWS = "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS";
    public static final String ROW_REMAP_FAILURE = "DCGM_FI_DEV_ROW_REMAP_FAILURE";
    public static final String XID_ERRORS = "DCGM_FI_DEV_XID_ERRORS";

    /** The dcgm-exporter gauges, in its order. */
    public static final List<String> DCGM_GAUGES = List.of(ECC_SBE_VOL_TOTAL, ECC_DBE_VOL_TOTAL, ECC_SBE_AGG_TOTAL,
            ECC_DBE_AGG_TOTAL, RETIRED_SBE, RETIRED_DBE, RETIRED_PENDING, CORRECTABLE_REMAPPED_ROWS,
            UNCORRECTABLE_REMAPPED_ROWS, ROW_REMAP_FAILURE, XID_ERRORS);

    /**
     * The verdict per pGPU ({@code vgpu_health_state}): 0 HEALTHY, 1 DEGRADED, 2 DRAINING, 3 FAILED
     * (the order of {@code GpuHealth}). Labels {@code UUID}, {@code Hostname}.
     */
    public static final String HEALTH_STATE = "vgpu.health.state";

    /**
     * The pGPUs per verdict ({@code vgpu_health_gpus}), healthy ones included: label {@link #LABEL_HEALTH}, one
     * series per {@code GpuHealth} value. Each instance counts the pGPUs whose verdicts it decided: sum them.
     */
    public static final String GPUS = "vgpu.health.gpus";

    /** Xid errors per pGPU and code ({@code vgpu_health_xid_errors_total}). Labels {@code UUID}, {@code Hostname}, {@code xid}. */
    public static final String XID_ERRORS_BY_CODE = "vgpu.health.xid.errors";

    /**
     * Verdict changes per pGPU, counted by {@code from} and {@code to} ({@code vgpu_health_transitions_total};
     * the {@code GpuHealth} names). The first verdict this process sees for a pGPU counts from {@link #UNKNOWN}
     * (a new pGPU, or a change after a restart). Bounded labels: 5 x 4 values.
     */
    public static final String TRANSITIONS = "vgpu.health.transitions";

    /** The {@code from} of a pGPU's first verdict in this process. */
    public static final String UNKNOWN = "UNKNOWN";

    public static final String LABEL_FROM = "from";
    public static final String LABEL_TO = "to";
    public static final String LABEL_GPU = "gpu";
    public static final String LABEL_UUID = "UUID";
    public static final String LABEL_PCI_BUS_ID = "pci_bus_id";
    public static final String LABEL_DEVICE = "device";
    public static final String LABEL_MODEL_NAME = "modelName";
    public static final String LABEL_HOSTNAME = "Hostname";
    public static final String LABEL_XID = "xid";
    public static final String LABEL_HEALTH = "health";

    private HealthMetrics() {}
}
