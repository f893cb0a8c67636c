package io.vgpufleet.inventory.fleet;

/** Metric names of the inventory-service. */
final class InventoryMetrics {

    static final String HOSTS = "vgpu.inventory.hosts";
    static final String GPUS = "vgpu.inventory.gpus";

    private InventoryMetrics() {}
}
