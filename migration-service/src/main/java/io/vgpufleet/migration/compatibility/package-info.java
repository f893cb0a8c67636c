/**
 * Whether a target can take a vGPU: the operator's policy ({@link
 * io.vgpufleet.migration.compatibility.CandidateFilter}) and the driver's verdict from the target's agent
 * ({@link io.vgpufleet.migration.compatibility.CompatibilityVerdict}). Pure; depends on contracts and
 * {@code fleet} only.
 */
@NullMarked
package io.vgpufleet.migration.compatibility;

import org.jspecify.annotations.NullMarked;
