/**
 * The contracts of the vGPU fleet: records exchanged over Kafka, grouped by the context that owns
 * them ({@code host}, {@code health}, {@code command}, {@code lifecycle}, {@code migration}), and the
 * messaging conventions in {@code messaging}. Everything here is plain Java plus Jackson annotations and
 * the Kafka client; every component may depend on it, and it depends on no component.
 */
@NullMarked
package io.vgpufleet.contracts;

import org.jspecify.annotations.NullMarked;
