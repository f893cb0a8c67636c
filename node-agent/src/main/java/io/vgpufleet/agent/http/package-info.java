/**
 * The agent's small HTTP server (the JDK's {@code com.sun.net.httpserver}, no framework): {@code GET
 * /metrics} for Prometheus, {@code GET /healthz}, and, on a simulated host only, {@code POST
 * /sim/gpus/{gpuUuid}/faults}. Depends on {@code contracts} (JSON) and Micrometer.
 */
@NullMarked
package io.vgpufleet.agent.http;

import org.jspecify.annotations.NullMarked;
