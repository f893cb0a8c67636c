/**
 * The placement engine over HTTP: {@code POST /api/v1/placements} and {@code GET /api/v1/capacity}.
 *
 * <p>An adapter: it turns the {@link io.vgpufleet.inventory.fleet.FleetView} into a
 * {@link io.vgpufleet.inventory.placement.PlacementInput} once per fleet change
 * ({@link io.vgpufleet.inventory.placement.api.PlacementInputSource}), validates request bodies field by
 * field, and renders answers. It may depend on the engine, the fleet view, Spring and service-support;
 * the engine ({@code io.vgpufleet.inventory.placement}) never depends on it.
 */
@NullMarked
package io.vgpufleet.inventory.placement.api;

import org.jspecify.annotations.NullMarked;
