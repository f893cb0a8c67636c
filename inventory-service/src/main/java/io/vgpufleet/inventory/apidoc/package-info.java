/** The inventory's REST API described: the committed OpenAPI 3 document, served as it is. */
@NullMarked
package io.vgpufleet.inventory.apidoc;

import org.jspecify.annotations.NullMarked;
