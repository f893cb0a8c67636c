/**
 * What the health-service decided about pGPUs (verdicts and cordons), kept for placement. Depends on
 * contracts, service-support and the placement API's {@code FleetConditions} seam.
 */
package io.vgpufleet.inventory.conditions;
