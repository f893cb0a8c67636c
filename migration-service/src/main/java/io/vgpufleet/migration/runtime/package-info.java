/**
 * The sagas at run time: {@link io.vgpufleet.migration.runtime.SagaEngine} (one thread owning every saga and
 * drain, carrying out their effects), the store replay at start (ADR 0005) and the Spring wiring of Kafka
 * inputs and settings. Adapters; depends on every other package of the service.
 */
@NullMarked
package io.vgpufleet.migration.runtime;

import org.jspecify.annotations.NullMarked;
