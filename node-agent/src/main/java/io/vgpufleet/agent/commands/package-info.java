/**
 * Command intake: commands addressed to this host are read from {@code vgpu.agent.commands.v1},
 * validated against the contract and against what the host is ({@link
 * io.vgpufleet.agent.commands.CommandValidator}, pure), executed through the {@code kernel} port
 * ({@link io.vgpufleet.agent.commands.CommandHandler}) and answered on {@code
 * vgpu.agent.command-replies.v1}; unreadable records go to the dead-letter topic ({@link
 * io.vgpufleet.agent.commands.CommandIntake}). Depends on {@code contracts}, {@code discovery}'s
 * results, {@code kernel} and {@code metrics}.
 */
@NullMarked
package io.vgpufleet.agent.commands;

import org.jspecify.annotations.NullMarked;
