/** The inventory-service's claims API behind {@link io.vgpufleet.lifecycle.vgpus.ClaimsPort}, over HTTP. */
@NullMarked
package io.vgpufleet.lifecycle.vgpus.claims;

import org.jspecify.annotations.NullMarked;
