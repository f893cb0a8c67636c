package io.vgpufleet.inventory.fleet;

/**
 * Every metric name of the inventory-service (Micrometer dots; Prometheus shows underscores). Labels
 * follow dcgm-exporter's where they name the same thing ({@code UUID}, {@code Hostname}, {@code modelName}),
 * so the inventory's series join the health-service's {@code DCGM_FI_DEV_*} and {@code vgpu_health_state}.
 */
public final class InventoryMetrics {

    /** Hosts in the fleet view. */
    public static final String HOSTS = "vgpu.inventory.hosts";
    /** pGPUs in the fleet view. */
    public static final String GPUS = "vgpu.inventory.gpus";
    /** vGPUs in the fleet view. */
    public static final String VGPUS = "vgpu.inventory.vgpus";

    /**
     * Per pGPU (by design: a fleet's pGPUs are a bounded set): how many vGPUs it hosts. Labels {@code UUID},
     * {@code Hostname}, {@code modelName}.
     */
    public static final String GPU_VGPUS = "vgpu.inventory.gpu.vgpus";
    /**
     * Per pGPU: its framebuffer in MiB, and how much of it the vGPUs on it take (each vGPU's type
     * framebuffer), so dashboards show how full every pGPU is. Labels as {@link #GPU_VGPUS}.
     */
    public static final String GPU_FRAMEBUFFER = "vgpu.inventory.gpu.framebuffer.mib";
    public static final String GPU_FRAMEBUFFER_USED = "vgpu.inventory.gpu.framebuffer.used.mib";

    /**
     * Per vGPU (by design and documented: one series per running vGPU, removed when it goes): value 1,
     * labels {@code vgpu_uuid}, {@code UUID} (its pGPU), {@code Hostname}, {@code type} (type id).
     */
    public static final String VGPU_PRESENT = "vgpu.inventory.vgpu.present";

    /**
     * Per vGPU type (bounded): the sum over the fleet's pGPUs of what their {@code available_instances} say,
     * labels {@code type}, {@code name}. The placement API's {@code /capacity} is the exact answer (it
     * honours cordons and health); this is the trend.
     */
    public static final String TYPE_AVAILABLE = "vgpu.inventory.type.available.instances";

    /** Per host: seconds since the inventory last heard from it (label {@code Hostname}). */
    public static final String HOST_SNAPSHOT_AGE = "vgpu.inventory.host.snapshot.age.seconds";

    /**
     * How long {@code POST /placements} takes to rank candidates, with a histogram (Prometheus
     * {@code vgpu_inventory_placement_duration_seconds_bucket}); tag {@code outcome}: {@code placed} (at least
     * one candidate) or {@code none}.
     */
    public static final String PLACEMENT_DURATION = "vgpu.inventory.placement.duration";

    /**
     * pGPU UUIDs that more than one host reports, in the placement input held now: each such pGPU is
     * excluded from placement (reason {@code GPU_UUID_CONFLICT}) until only one host reports it. Alert on
     * anything above 0; the log names the UUIDs and hosts.
     */
    public static final String GPU_UUID_CONFLICTS = "vgpu.inventory.gpu.uuid.conflicts";

    /** Claim changes decided by this instance's ledgers, tagged {@code state}. */
    public static final String CLAIM_CHANGES = "vgpu.inventory.claim.changes";
    /** Claim commands refused by this instance's ledgers, tagged {@code command} (a ce_type). */
    public static final String CLAIM_REFUSALS = "vgpu.inventory.claim.refusals";

    /** Final claims tombstoned by this instance's ledgers after {@code vgpu.inventory.claims.final-retention}. */
    public static final String CLAIM_TOMBSTONES = "vgpu.inventory.claim.tombstones";

    /**
     * Where the time of a {@code POST /claims} goes, one timer per {@code stage}: {@code queued} (waiting for
     * one of the {@code max-concurrent} places), {@code placed} (a placement round with its directory
     * checks), {@code produced} (a command's send until the broker has it, acks=all), {@code decided} (from
     * the broker having the command until its outcome reaches this instance's directory: the ledger's poll,
     * its transaction commit, the read_committed consume). With p50/p99 and a histogram.
     */
    public static final String CLAIM_STAGE = "vgpu.inventory.claim.stage";
    /** A whole {@code POST /claims} in the service, tagged {@code outcome}: granted, existing, refused, unavailable. */
    public static final String CLAIM_DURATION = "vgpu.inventory.claim.duration";
    /** From a claim command's record timestamp (its producer) until a ledger of this instance takes it. */
    public static final String CLAIM_LEDGER_LAG = "vgpu.inventory.claim.ledger.lag";
    /**
     * From a claim change's record timestamp (that of the command that caused it) until this instance's
     * directory takes it in: the ledger's lag plus its commit plus the consume.
     */
    public static final String CLAIM_DIRECTORY_LAG = "vgpu.inventory.claim.directory.lag";

    public static final String LABEL_UUID = "UUID";
    public static final String LABEL_HOSTNAME = "Hostname";
    public static final String LABEL_MODEL_NAME = "modelName";

    private InventoryMetrics() {}
}
