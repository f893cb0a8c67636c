/**
 * Memory-health signals: what NVML's events and counter polls say about each pGPU, published at once
 * on {@code vgpu.agent.health-signals.v1} (keyed by pGPU UUID) for the health service to judge.
 *
 * <p>{@link io.vgpufleet.agent.health.HealthChanges} is the pure part (which counters changed since the
 * last signal, with deltas); {@link io.vgpufleet.agent.health.HealthMonitor} runs the events thread and
 * the poller around it. Depends on {@code contracts}, the {@code nvml} port and {@code metrics}; never
 * on the simulator.
 */
@NullMarked
package io.vgpufleet.agent.health;

import org.jspecify.annotations.NullMarked;
