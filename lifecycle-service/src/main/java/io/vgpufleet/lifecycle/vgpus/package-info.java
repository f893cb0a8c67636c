/**
 * vGPU requests from the API call to a running VM's device: the {@link
 * io.vgpufleet.lifecycle.vgpus.LifecycleEngine} runs the pure state machine ({@code machine}) for every
 * request, keeps them in Kafka ({@code store}), claims capacity from the inventory ({@code claims}) and
 * serves them over REST ({@code api}). {@code machine} depends on nothing else here.
 */
@NullMarked
package io.vgpufleet.lifecycle.vgpus;

import org.jspecify.annotations.NullMarked;
