/** vGPU requests and their state machine, driven by agent replies and snapshots. */
package io.vgpufleet.lifecycle.vgpus;
