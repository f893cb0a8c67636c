/** The downtime (stun) estimate of a live migration. Pure; depends on nothing of ours. */
@NullMarked
package io.vgpufleet.migration.downtime;

import org.jspecify.annotations.NullMarked;
