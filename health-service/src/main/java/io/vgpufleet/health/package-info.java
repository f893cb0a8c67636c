/**
 * health-service: turns the agents' health signals into GPU health (healthy, degraded, draining,
 * failed), cordons and drain requests. Feature packages: {@code signals}.
 */
package io.vgpufleet.health;
