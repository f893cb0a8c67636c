/**
 * The sandbox launcher: one command that runs the whole suite on one machine (DESIGN.md, "Running it").
 *
 * <p>{@link io.vgpufleet.sandbox.Sandbox} is the entry point; {@link io.vgpufleet.sandbox.SandboxOptions}
 * parses its command line and {@link io.vgpufleet.sandbox.SandboxLayout} turns the options into paths,
 * ports and command lines (pure values). This package may depend on {@code broker}, {@code process}
 * and {@code contracts}; nothing depends on it.
 */
@NullMarked
package io.vgpufleet.sandbox;

import org.jspecify.annotations.NullMarked;
