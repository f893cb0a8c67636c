package io.vgpufleet.contracts.messaging;

import io.vgpufleet.contracts.messaging.Topic.CleanupPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every topic of the suite, in one place. Keys are chosen so that one partition owns what must be
 * serialised: a host's snapshots, commands and replies by host id; a pGPU's health by pGPU UUID.
 *
 * <p>Each topic that is consumed has a dead-letter topic named {@code <topic>.dlq} with the same
 * partition count (a dead letter keeps its partition), holding records that could not be read, with
 * the reason in the {@code x-exception-message} header.
 */
public final class TopicCatalogue {

    public static final int PARTITIONS = 12;

    public static final Topic HOST_SNAPSHOTS =
            new Topic("vgpu.agent.host-snapshots.v1", "host id", PARTITIONS, CleanupPolicy.COMPACT, null);
    public static final Topic HEALTH_SIGNALS = new Topic(
            "vgpu.agent.health-signals.v1", "pGPU UUID", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(7));
    public static final Topic AGENT_COMMANDS =
            new Topic("vgpu.agent.commands.v1", "host id", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(1));
    public static final Topic COMMAND_REPLIES = new Topic(
            "vgpu.agent.command-replies.v1", "host id", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(7));
    public static final Topic GPU_HEALTH =
            new Topic("vgpu.health.gpu-health.v1", "pGPU UUID", PARTITIONS, CleanupPolicy.COMPACT, null);
    public static final Topic GPU_CORDONS =
            new Topic("vgpu.health.gpu-cordons.v1", "pGPU UUID", PARTITIONS, CleanupPolicy.COMPACT, null);
    public static final Topic DRAIN_REQUESTS = new Topic(
            "vgpu.health.drain-requests.v1", "pGPU UUID", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(7));
    public static final Topic VGPU_STATES = new Topic(
            "vgpu.lifecycle.vgpu-states.v1", "request id", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(30));
    /** The lifecycle-service's store: the latest state of every vGPU request (compacted, ADR 0004). */
    public static final Topic VGPU_REQUESTS =
            new Topic("vgpu.lifecycle.vgpu-requests.v1", "request id", PARTITIONS, CleanupPolicy.COMPACT, null);
    public static final Topic MIGRATION_PROGRESS = new Topic(
            "vgpu.migration.progress.v1", "migration id", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(30));
    /** Every REST write of every service, accepted or refused; a year, for the audit (docs/security.md). */
    public static final Topic AUDIT_WRITES = new Topic(
            "vgpu.audit.writes.v1", "principal", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(365));

    // claims (inventory-service): commands keyed by host id, co-partitioned with the host snapshots so that
    // one Kafka Streams task owns a host's snapshot and its claims
    public static final Topic CLAIM_REQUESTS = new Topic(
            "vgpu.inventory.claim-requests.v1", "host id", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(1));
    public static final Topic CLAIMS =
            new Topic("vgpu.inventory.claims.v1", "claim id", PARTITIONS, CleanupPolicy.COMPACT, null);
    /** Keyed by claim id, so that the claim id's reservation (same partition) hears of a refused claim. */
    public static final Topic CLAIM_REFUSALS = new Topic(
            "vgpu.inventory.claim-refusals.v1", "claim id", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(1));
    /**
     * Claims on their way to a ledger through their claim id's reservation (ADR 0003's second amendment of
     * 2026-12-02): keyed by claim id, co-partitioned with {@link #CLAIMS} and {@link #CLAIM_REFUSALS}.
     */
    public static final Topic CLAIM_RESERVATIONS = new Topic(
            "vgpu.inventory.claim-reservations.v1", "claim id", PARTITIONS, CleanupPolicy.DELETE, Duration.ofDays(1));

    /** The migration-service's store: the latest state of every migration saga (ADR 0005). */
    public static final Topic MIGRATION_SAGAS =
            new Topic("vgpu.migration.sagas.v1", "migration id", PARTITIONS, CleanupPolicy.COMPACT, null);
    /** The migration-service's store: every drain with its vGPUs and their migrations (ADR 0005). */
    public static final Topic MIGRATION_DRAINS =
            new Topic("vgpu.migration.drains.v1", "drain id", PARTITIONS, CleanupPolicy.COMPACT, null);

    private static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(14);

    private static final List<Topic> STREAMS = List.of(
            HOST_SNAPSHOTS,
            HEALTH_SIGNALS,
            AGENT_COMMANDS,
            COMMAND_REPLIES,
            GPU_HEALTH,
            GPU_CORDONS,
            DRAIN_REQUESTS,
            VGPU_STATES,
            MIGRATION_PROGRESS,
            // claims
            CLAIM_REQUESTS,
            CLAIMS,
            CLAIM_REFUSALS,
            CLAIM_RESERVATIONS,
            VGPU_REQUESTS,
            MIGRATION_SAGAS,
            MIGRATION_DRAINS,
            // security: the audit of REST writes
            AUDIT_WRITES);

    private TopicCatalogue() {}

    /** The topics that carry the suite's records, without their dead-letter topics. */
    public static List<Topic> streams() {
        return STREAMS;
    }

    /** Every topic to provision: the streams and a dead-letter topic for each. */
    public static List<Topic> all() {
        List<Topic> all = new ArrayList<>(STREAMS);
        STREAMS.forEach(topic -> all.add(deadLetterOf(topic)));
        return List.copyOf(all);
    }

    public static Topic deadLetterOf(Topic topic) {
        if (topic.isDeadLetter()) {
            throw new IllegalArgumentException(topic + " is a dead-letter topic itself");
        }
        return new Topic(topic.name() + ".dlq", topic.key(), topic.partitions(), CleanupPolicy.DELETE,
                DEAD_LETTER_RETENTION);
    }

    public static Optional<Topic> byName(String name) {
        return all().stream().filter(topic -> topic.name().equals(name)).findFirst();
    }
}
