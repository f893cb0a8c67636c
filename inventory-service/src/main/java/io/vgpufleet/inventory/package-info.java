/**
 * inventory-service: owns the fleet view (hosts, pGPUs, types, capacity, vGPUs). Feature packages:
 * {@code fleet} (the view and its REST API), {@code placement} (the pure placement engine) and
 * {@code placement.api} (its REST adapter over the fleet view).
 */
package io.vgpufleet.inventory;
