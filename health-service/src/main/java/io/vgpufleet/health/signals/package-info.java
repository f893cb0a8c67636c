/**
 * Health signals from the node agents: the latest of each kind per pGPU, fed by the health topology
 * ({@code streams}) and served at {@code GET /api/v1/gpus/{gpuUuid}/signals}.
 */
package io.vgpufleet.health.signals;
