/**
 * Publishing the host's truth: the topic catalogue provisioned at start, and the full host snapshot
 * sent at start, on every change (discovery runs every second) and as a heartbeat. Depends on {@code
 * contracts}' messaging, {@code discovery} and {@code metrics}.
 */
@NullMarked
package io.vgpufleet.agent.publishing;

import org.jspecify.annotations.NullMarked;
