/**
 * What health-service takes from the host snapshots ({@code vgpu.agent.host-snapshots.v1}): per pGPU, its
 * configuration for the policy (ECC mode, compute vGPUs, how many vGPUs it hosts) and dcgm-exporter's labels.
 * Pure values and functions; the {@code streams} topology re-keys the facts by pGPU UUID (ADR 0008).
 * Depends on the contract records and {@code policy}.
 */
package io.vgpufleet.health.hosts;
