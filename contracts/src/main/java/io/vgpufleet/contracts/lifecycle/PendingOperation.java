package io.vgpufleet.contracts.lifecycle;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.present;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The request-wide step in flight.
 *
 * @param attempts how many times it was tried
 * @param deadline when it is tried again, or given up once {@code attempts} reaches the limit
 * @param commandId the agent command of a SUSPEND or RESUME
 */
public record PendingOperation(OperationKind kind, int attempts, Instant deadline, @Nullable String commandId) {

    public PendingOperation {
        present(kind, "kind");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be 1 or more, was " + attempts);
        }
        present(deadline, "deadline");
        if (commandId != null) {
            identifier(commandId, "commandId");
        }
    }
}
