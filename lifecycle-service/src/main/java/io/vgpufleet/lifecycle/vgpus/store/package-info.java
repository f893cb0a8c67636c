/** The request store on Kafka's compacted {@code vgpu.lifecycle.vgpu-requests.v1} (ADR 0004). */
@NullMarked
package io.vgpufleet.lifecycle.vgpus.store;

import org.jspecify.annotations.NullMarked;
