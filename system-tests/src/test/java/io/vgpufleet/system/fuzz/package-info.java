/**
 * Hostile-input fuzzing of the whole system: malformed records on every live-consumed topic
 * ({@link io.vgpufleet.system.fuzz.FuzzTarget}), made from a seed ({@link io.vgpufleet.system.fuzz.HostileRecords})
 * and checked against the dead-letter topics, the consumer groups, the processes and the file tree
 * ({@link io.vgpufleet.system.fuzz.FuzzSystemIT}). Test code only; depends on the system-tests harness and contracts.
 */
package io.vgpufleet.system.fuzz;
