/** GPU health: signals from node agents (ECC, retired pages, remapped rows, Xid, lost GPU) and the verdicts and cordons of the health-service. */
@NullMarked
package io.vgpufleet.contracts.health;

import org.jspecify.annotations.NullMarked;
