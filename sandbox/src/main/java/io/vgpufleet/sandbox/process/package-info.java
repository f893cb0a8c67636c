/**
 * Running programs beside the sandbox and knowing when they are up: child processes with log files
 * ({@link io.vgpufleet.sandbox.process.ChildProcess}), health polling
 * ({@link io.vgpufleet.sandbox.process.HealthWait}) and port checks
 * ({@link io.vgpufleet.sandbox.process.Ports}). JDK only; depends on nothing else of the sandbox.
 */
@NullMarked
package io.vgpufleet.sandbox.process;

import org.jspecify.annotations.NullMarked;
