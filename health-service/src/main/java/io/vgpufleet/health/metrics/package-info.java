/**
 * Per-pGPU metrics under dcgm-exporter's names and labels ({@link io.vgpufleet.health.metrics.HealthMetrics}),
 * so dashboards built for dcgm-exporter read the fleet's GPUs from the health-service, plus the verdict and
 * Xid counts per code. Fed by the health topology's listener; depends on {@code streams} and {@code policy}.
 */
package io.vgpufleet.health.metrics;
