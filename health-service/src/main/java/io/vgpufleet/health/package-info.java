/**
 * health-service: turns the agents' health signals into GPU health (healthy, degraded, draining, failed)
 * and cordons. Feature packages: {@code policy} (the pure rules), {@code streams} (the Kafka Streams
 * topology that applies them), {@code verdicts} (REST: health, unhealthy list, manual cordons),
 * {@code metrics} (dcgm-exporter-compatible gauges), {@code signals} (latest signals per pGPU), {@code hosts}
 * (per-pGPU facts from the host snapshots).
 * See {@code health-service/DESIGN.md}.
 */
package io.vgpufleet.health;
