/** What a host is: the host snapshot and its parts (pGPUs, vGPU types with capacity, VFs, vGPUs, NVML facts). */
@NullMarked
package io.vgpufleet.contracts.host;

import org.jspecify.annotations.NullMarked;
