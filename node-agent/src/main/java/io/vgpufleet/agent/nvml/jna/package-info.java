/**
 * NVML on the real driver through JNA: the only package that imports {@code com.sun.jna}. {@link
 * io.vgpufleet.agent.nvml.jna.JnaNvml} implements the port and reads the richer {@link
 * io.vgpufleet.agent.nvml.jna.NvmlInventory}; {@link io.vgpufleet.agent.nvml.jna.NvmlLibrary} and {@link
 * io.vgpufleet.agent.nvml.jna.NvmlStructures} bind the exact versioned symbols and struct layouts of {@code
 * nvml.h}; {@link io.vgpufleet.agent.nvml.jna.NvmlTranslation} turns raw answers into port values without
 * native calls (tested without the library); {@link io.vgpufleet.agent.nvml.jna.SelfCheck} compares the
 * binding with {@code nvidia-smi -q -x} on a real GPU. Device handles never leave this package. Depends on
 * the port package and {@code contracts}; only {@link io.vgpufleet.agent.nvml.NvmlLoader} depends on it.
 */
@NullMarked
package io.vgpufleet.agent.nvml.jna;

import org.jspecify.annotations.NullMarked;
