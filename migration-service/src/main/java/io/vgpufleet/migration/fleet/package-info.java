/**
 * The fleet as migration decisions see it: {@link io.vgpufleet.migration.fleet.Fleet} (pure port) and
 * {@link io.vgpufleet.migration.fleet.FleetState}, the live view the runtime keeps from host snapshots and
 * health verdicts. Depends on contracts only.
 */
@NullMarked
package io.vgpufleet.migration.fleet;

import org.jspecify.annotations.NullMarked;
