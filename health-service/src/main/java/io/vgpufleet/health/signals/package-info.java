/** Health signals from the node agents: the latest of each kind per pGPU. */
package io.vgpufleet.health.signals;
