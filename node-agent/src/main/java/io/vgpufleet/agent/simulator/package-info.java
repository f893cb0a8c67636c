/**
 * The simulated host: product code that the sandbox, the benchmarks and most tests run on.
 *
 * <p>{@link io.vgpufleet.agent.simulator.SimulatedHost} lays out a real directory tree with the kernel's
 * sysfs names for a {@link io.vgpufleet.agent.simulator.HostProfile}, deterministically from a seed, so
 * that discovery reads it exactly as it reads {@code /sys}. {@link
 * io.vgpufleet.agent.simulator.SimulatedKernel} answers writes as the kernel and NVIDIA's driver do
 * (device directories, {@code available_instances}, the homogeneous-type rule, errno answers);
 * {@link io.vgpufleet.agent.simulator.SimulatedHostWriter} and {@link
 * io.vgpufleet.agent.simulator.SimulatedNvml} are the simulator's implementations of the agent's ports.
 *
 * <p>{@link io.vgpufleet.agent.simulator.SimulatedFaults} holds the GPUs' memory health in memory (shared
 * by {@code SimulatedNvml} and the agent's {@code POST /sim/gpus/{gpuUuid}/faults}); {@link
 * io.vgpufleet.agent.simulator.Fault} is the fault request. Every mdev type carries a {@code
 * migration_version} (driver branch, type id and name), copied to the mdevs created from it; the kernel
 * accepts a write of the same string and refuses any other with {@code EINVAL}.
 *
 * <p>Layout (PCI devices are real directories; the kernel's views are relative symlinks to them):
 * <pre>
 * devices/pci0000:BB/BDF/{vendor,device,class,numa_node,local_cpulist}
 * devices/pci0000:BB/BDF/mdev_supported_types/nvidia-N/{name,description,available_instances,device_api,create,migration_version,devices/}
 * devices/pci0000:BB/BDF/UUID/{mdev_type -> ../mdev_supported_types/nvidia-N, remove, nvidia/vgpu_params}   (a created mdev)
 * devices/pci0000:BB/BDF/{sriov_totalvfs,sriov_numvfs,virtfnK -> ../VF}                                    (vendor-VFIO PF)
 * devices/pci0000:BB/VF/{physfn -> ../BDF, nvidia/{creatable_vgpu_types,current_vgpu_type,vgpu_params}}
 * bus/pci/devices/BDF -> ../../../devices/pci0000:BB/BDF        class/mdev_bus/BDF -> ../../devices/pci0000:BB/BDF
 * bus/mdev/devices/UUID -> ../../../devices/pci0000:BB/BDF/UUID
 * module/nvidia/version, module/nvidia_vgpu_vfio/
 * simulator/host.properties, simulator/nvml/BDF.properties, simulator/vgpu-types/BDF, simulator/vf-vgpus/VF,
 * simulator/vms/VM (the simulated hypervisor's VMs, one attached vGPU UUID a line),
 * simulator/proc/PID/comm (the simulated /proc: nvidia-vgpu-mgr runs until its entry is removed)
 * </pre>
 * The {@code simulator/} files hold what only NVML knows (UUID, name, memory, ECC mode, a VF's vGPU
 * UUID) and the vendor-VFIO type catalogue; nothing outside this package reads them.
 *
 * <p>Depends on {@code discovery} (parsers), {@code kernel} and {@code nvml} (the ports it implements).
 */
@NullMarked
package io.vgpufleet.agent.simulator;

import org.jspecify.annotations.NullMarked;
