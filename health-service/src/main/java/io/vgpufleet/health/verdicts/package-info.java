/**
 * REST over the verdicts: a pGPU's health, the unhealthy pGPUs, and manual cordons
 * ({@code /api/v1/gpus/{gpuUuid}/health}, {@code /api/v1/health/unhealthy},
 * {@code POST /api/v1/gpus/{gpuUuid}/cordon} and {@code /uncordon}). Reads the topology's store through
 * interactive queries; publishes operator cordons to the cordon topic, which the topology reads back.
 */
package io.vgpufleet.health.verdicts;
