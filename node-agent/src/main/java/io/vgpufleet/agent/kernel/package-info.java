/**
 * The writes the agent makes to a host (mdev {@code create} and {@code remove}, a VF's {@code
 * current_vgpu_type}, {@code vgpu_params}) behind the {@link io.vgpufleet.agent.kernel.HostWriter}
 * port, and the kernel's answers as errno names. {@link io.vgpufleet.agent.kernel.SysfsHostWriter}
 * writes a real sysfs; the simulator has its own writer, since a plain directory cannot react to a
 * write. Depends on {@code discovery}'s name checks only.
 */
@NullMarked
package io.vgpufleet.agent.kernel;

import org.jspecify.annotations.NullMarked;
