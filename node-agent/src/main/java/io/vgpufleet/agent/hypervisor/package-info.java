/**
 * The hypervisor port: which domains (VMs) the host runs, which vGPUs (mdev UUIDs) and PCI devices
 * (vendor-VFIO VFs) they hold, and live migration of a domain to another host.
 *
 * <p>{@link io.vgpufleet.agent.hypervisor.VirshHypervisor} drives libvirt through {@code virsh} with
 * argument lists (never a shell string), every argument validated first; {@link
 * io.vgpufleet.agent.hypervisor.DomainXml} parses {@code virsh dumpxml} (pure, tested on fixtures);
 * {@link io.vgpufleet.agent.hypervisor.SimulatedHypervisor} keeps the simulated host's VMs in files
 * beside its tree. Depends on {@code contracts}' checks and {@code discovery}'s name shapes only.
 */
@NullMarked
package io.vgpufleet.agent.hypervisor;

import org.jspecify.annotations.NullMarked;
