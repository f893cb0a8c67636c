/**
 * The vGPU request state machine: pure values in, pure values out ({@link
 * io.vgpufleet.lifecycle.vgpus.machine.LifecycleMachine}). Depends on {@code contracts} only: no Spring,
 * no Kafka, no HTTP (checked by a test).
 */
@NullMarked
package io.vgpufleet.lifecycle.vgpus.machine;

import org.jspecify.annotations.NullMarked;
