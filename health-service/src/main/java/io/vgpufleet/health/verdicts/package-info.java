/**
 * REST over the verdicts: a pGPU's health, the unhealthy pGPUs, and manual cordons
 * ({@code /api/v1/gpus/{gpuUuid}/health}, {@code /api/v1/health/unhealthy},
 * {@code POST /api/v1/gpus/{gpuUuid}/cordon} and {@code /uncordon}). Reads the topology's store through
 * interactive queries, forwarding to the instance that owns a pGPU ({@code Peers}) when several run;
 * publishes operator cordons to the cordon topic, which the topology reads back.
 */
package io.vgpufleet.health.verdicts;
