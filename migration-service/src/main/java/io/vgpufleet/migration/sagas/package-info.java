/**
 * The migration saga: {@link io.vgpufleet.migration.sagas.SagaSteps} (transitions as pure functions of the
 * saga, an event, the fleet and the time), its effects, settings and deterministic command ids. Pure;
 * depends on contracts, {@code fleet} and {@code compatibility} only; the runtime carries the effects out.
 */
@NullMarked
package io.vgpufleet.migration.sagas;

import org.jspecify.annotations.NullMarked;
