/** Commands to node agents and the agents' replies. */
@NullMarked
package io.vgpufleet.contracts.command;

import org.jspecify.annotations.NullMarked;
