/**
 * The agent's metric names, in one place so dashboards and alerts have one list to read. Any agent
 * package may depend on it; it depends only on Micrometer.
 */
@NullMarked
package io.vgpufleet.agent.metrics;

import org.jspecify.annotations.NullMarked;
