/** The inventory-service's claims API as its callers (lifecycle, migration) speak it over HTTP. */
@NullMarked
package io.vgpufleet.service.claims;

import org.jspecify.annotations.NullMarked;
