/**
 * Target capacity claims: the port {@link io.vgpufleet.migration.claims.TargetClaims} and its adapters,
 * the inventory-service's claims API ({@link io.vgpufleet.migration.claims.InventoryClaims}, the default)
 * and claims kept in this service ({@link io.vgpufleet.migration.claims.LocalClaims}).
 */
@NullMarked
package io.vgpufleet.migration.claims;

import org.jspecify.annotations.NullMarked;
