/** The vGPU lifecycle as the lifecycle-service publishes it. */
@NullMarked
package io.vgpufleet.contracts.lifecycle;

import org.jspecify.annotations.NullMarked;
