package io.vgpufleet.agent.http;

import tools.jackson.databind.JsonNode;

/**
 * What {@code POST /sim/gpus/{gpuUuid}/faults} asks of the simulator; the agent wires the simulator's
 * fault injection to it on simulated hosts only.
 */
@FunctionalInterface
public interface FaultInjection {

    /**
     * The answer: {@code 202} applied, {@code 400} malformed body, {@code 404} unknown GPU, {@code 409} a
     * fault this GPU cannot have (ECC off, wrong generation, lost), with a detail fit for the caller.
     */
    record Outcome(int status, String detail) {}

    /** Applies the fault the body describes to the GPU; never throws for a bad body. */
    Outcome inject(String gpuUuid, JsonNode body);
}
