/** The REST API of the vGPU requests ({@code /api/v1/vgpus}); depends on the engine and the domain XML renderer. */
@NullMarked
package io.vgpufleet.lifecycle.vgpus.api;

import org.jspecify.annotations.NullMarked;
