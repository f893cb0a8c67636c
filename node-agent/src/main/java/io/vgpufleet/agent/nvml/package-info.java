/**
 * The port to NVML: what the driver library knows that sysfs does not (the GPU's UUID, name, memory,
 * ECC mode, virtualization mode). {@link io.vgpufleet.agent.nvml.NoNvml} answers where the library is
 * absent; the simulator has its own implementation; the JNA binding comes later and is the only code
 * that will touch {@code com.sun.jna}. Depends only on {@code contracts}.
 */
@NullMarked
package io.vgpufleet.agent.nvml;

import org.jspecify.annotations.NullMarked;
