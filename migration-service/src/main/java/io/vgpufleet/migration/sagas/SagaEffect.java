package io.vgpufleet.migration.sagas;

import io.vgpufleet.contracts.command.AgentCommand;
import java.time.Duration;

/** What a saga transition asks the runtime to do. Each effect is safe to repeat. */
public sealed interface SagaEffect {

    /** Publish a command to its host's agent (the id makes a repeat a replay). */
    record SendCommand(AgentCommand command) implements SagaEffect {}

    /** Claim one instance of {@code typeId} on the target pGPU for the target vGPU (the claim id makes a repeat the same claim). */
    record RequestClaim(String claimId, String migrationId, String vmId, String typeId, String hostId, String gpuUuid,
            String pciBdf, String vgpuUuid, Duration ttl) implements SagaEffect {}

    /** Release a claim (releasing one already released or never granted is fine). */
    record ReleaseClaim(String claimId, String migrationId) implements SagaEffect {}
}
