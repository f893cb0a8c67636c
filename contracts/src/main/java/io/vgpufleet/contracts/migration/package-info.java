/** Migration sagas as the migration-service publishes them. */
@NullMarked
package io.vgpufleet.contracts.migration;

import org.jspecify.annotations.NullMarked;
