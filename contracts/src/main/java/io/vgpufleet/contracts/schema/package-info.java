/** JSON Schemas of the contract records, derived from the records and committed as resources. */
@NullMarked
package io.vgpufleet.contracts.schema;

import org.jspecify.annotations.NullMarked;
