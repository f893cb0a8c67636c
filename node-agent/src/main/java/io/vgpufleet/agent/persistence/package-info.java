/**
 * vGPU definitions that outlive a reboot, in mdevctl's on-disk format ({@code
 * <root>/etc/mdevctl.d/<parent BDF>/<uuid>}: JSON {@code {"mdev_type": "nvidia-289", "start": "auto",
 * "attrs": []}}), so that {@code mdevctl} and the agent agree on what a host should have.
 *
 * <p>{@link io.vgpufleet.agent.persistence.MdevDefinitions} reads and writes the files (checked names
 * only, nothing outside the root); {@link io.vgpufleet.agent.persistence.DefinitionReconcile} is the pure
 * decision (which auto-start definitions to create again, which active vGPUs have no definition);
 * {@link io.vgpufleet.agent.persistence.DefiningHostWriter} keeps the definitions in step with every
 * mdev the agent creates or removes. Depends on {@code discovery}'s name checks, {@code kernel} and
 * {@code contracts}' JSON.
 */
@NullMarked
package io.vgpufleet.agent.persistence;

import org.jspecify.annotations.NullMarked;
