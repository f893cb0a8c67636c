/**
 * inventory-service: owns the fleet view (hosts, pGPUs, types, capacity, vGPUs). Feature packages:
 * {@code fleet} (the view and its REST API).
 */
package io.vgpufleet.inventory;
