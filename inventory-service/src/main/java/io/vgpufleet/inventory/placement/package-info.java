/**
 * Placement: which pGPUs can take a requested vGPU (or the vGPUs of a multi-vGPU VM), ranked by a
 * policy, and why every other pGPU cannot.
 *
 * <p>Pure Java: values in, values out. {@link io.vgpufleet.inventory.placement.PlacementInputs} turns
 * host snapshots, GPU health, cordons, stale hosts and the NVLink topology into an immutable
 * {@link io.vgpufleet.inventory.placement.PlacementInput} once per fleet change;
 * {@link io.vgpufleet.inventory.placement.PlacementEngine} answers requests against it, and
 * {@link io.vgpufleet.inventory.placement.FragmentationReport} says how many more instances of each
 * type the fleet can take. This package may depend on {@code contracts} and the JDK only: no Spring,
 * Kafka or REST type belongs here (adapters in other packages call it).
 */
@NullMarked
package io.vgpufleet.inventory.placement;

import org.jspecify.annotations.NullMarked;
