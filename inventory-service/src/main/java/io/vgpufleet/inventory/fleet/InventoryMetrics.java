package io.vgpufleet.inventory.fleet;

/** Metric names of the inventory-service. */
public final class InventoryMetrics {

    static final String HOSTS = "vgpu.inventory.hosts";
    static final String GPUS = "vgpu.inventory.gpus";
    /** Claim changes decided by this instance's ledgers, tagged {@code state}. */
    public static final String CLAIM_CHANGES = "vgpu.inventory.claim.changes";
    /** Claim commands refused by this instance's ledgers, tagged {@code command} (a ce_type). */
    public static final String CLAIM_REFUSALS = "vgpu.inventory.claim.refusals";

    private InventoryMetrics() {}
}
