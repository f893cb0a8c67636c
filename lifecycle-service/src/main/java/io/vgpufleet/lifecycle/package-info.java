/**
 * lifecycle-service: the vGPU state machine (requested, placed, creating, created, attached, running,
 * suspended, destroying, destroyed, failed). Feature packages: {@code vgpus}.
 */
package io.vgpufleet.lifecycle;
