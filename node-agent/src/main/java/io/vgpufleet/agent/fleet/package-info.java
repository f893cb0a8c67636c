/**
 * Fleet simulator mode: thousands of simulated hosts in one process ({@link io.vgpufleet.agent.fleet.FleetSimulator},
 * {@code java -jar node-agent.jar --fleet=N ...}, options in {@link io.vgpufleet.agent.fleet.FleetMain}). Each host is
 * the single agent's simulated host (its own directory tree, the simulated kernel, NVML and hypervisor, discovery and
 * command handling), driven from shared threads and one producer. Depends on the agent's simulator, discovery,
 * commands and health packages; nothing in the agent depends on it but the main's hand-over of {@code --fleet}.
 */
package io.vgpufleet.agent.fleet;
