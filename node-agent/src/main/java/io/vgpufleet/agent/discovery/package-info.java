/**
 * Discovery: what the host's sysfs (mdev bus and vendor-VFIO virtual functions) and NVML say,
 * turned into the contract's {@code HostSnapshot} parts.
 *
 * <p>Reading is separated from parsing. {@link io.vgpufleet.agent.discovery.SysfsReader} is the thin
 * reader: it resolves only names that passed a check, refuses anything that resolves outside the root,
 * and bounds what it reads. The parsers ({@link io.vgpufleet.agent.discovery.TypeDescriptionParser},
 * {@link io.vgpufleet.agent.discovery.SysfsText}) are pure functions over strings.
 * {@link io.vgpufleet.agent.discovery.HostDiscovery} walks the tree; a part that cannot be read is a
 * reported problem, never an exception out of the walk. Depends on {@code contracts} and the {@code
 * nvml} port only.
 */
@NullMarked
package io.vgpufleet.agent.discovery;

import org.jspecify.annotations.NullMarked;
