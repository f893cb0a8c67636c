/**
 * Drains of a pGPU or a host: {@link io.vgpufleet.migration.drains.DrainPlanner} (the migrations a drain
 * needs) and {@link io.vgpufleet.migration.drains.Admission} (which queued migrations start under the
 * concurrency limits). Pure; depends on contracts, {@code downtime} and {@code sagas}.
 */
@NullMarked
package io.vgpufleet.migration.drains;

import org.jspecify.annotations.NullMarked;
