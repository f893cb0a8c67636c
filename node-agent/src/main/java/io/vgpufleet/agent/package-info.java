/**
 * The node agent: the one process on each hypervisor host that tells the fleet what the host's GPUs
 * are and executes the commands addressed to the host.
 *
 * <p>{@link io.vgpufleet.agent.NodeAgent} wires the capability packages together; each of them may
 * depend on {@code contracts} and on the ports it names ({@code nvml}, {@code kernel}), never on this
 * package: {@code discovery} reads and parses the host, {@code simulator} plays a host, {@code
 * publishing} sends snapshots, {@code commands} takes commands, {@code http} serves metrics and health.
 */
@NullMarked
package io.vgpufleet.agent;

import org.jspecify.annotations.NullMarked;
