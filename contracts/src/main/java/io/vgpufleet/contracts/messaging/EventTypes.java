package io.vgpufleet.contracts.messaging;

import io.vgpufleet.contracts.audit.WriteAudited;
import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommand;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ExtendClaim;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import io.vgpufleet.contracts.claims.ReserveClaimId;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.ResumeVm;
import io.vgpufleet.contracts.command.SetVgpuParams;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.GpuLost;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import io.vgpufleet.contracts.migration.Drain;
import io.vgpufleet.contracts.migration.MigrationProgressed;
import io.vgpufleet.contracts.migration.MigrationSaga;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of every record type on the wire: {@code ce_type} to record class, topic and key. */
public final class EventTypes {

    public static final EventType<HostSnapshot> HOST_SNAPSHOT = new EventType<>(
            "vgpu.agent.host-snapshot.v1", HostSnapshot.class, TopicCatalogue.HOST_SNAPSHOTS, HostSnapshot::hostId);

    public static final EventType<EccErrorsObserved> ECC_ERRORS_OBSERVED =
            signal("vgpu.health.ecc-errors-observed.v1", EccErrorsObserved.class);
    public static final EventType<PagesRetired> PAGES_RETIRED =
            signal("vgpu.health.pages-retired.v1", PagesRetired.class);
    public static final EventType<RowsRemapped> ROWS_REMAPPED =
            signal("vgpu.health.rows-remapped.v1", RowsRemapped.class);
    public static final EventType<XidErrorObserved> XID_ERROR_OBSERVED =
            signal("vgpu.health.xid-error-observed.v1", XidErrorObserved.class);
    public static final EventType<GpuLost> GPU_LOST = signal("vgpu.health.gpu-lost.v1", GpuLost.class);

    public static final EventType<CreateVgpu> CREATE_VGPU = command("vgpu.agent.create-vgpu.v1", CreateVgpu.class);
    public static final EventType<RemoveVgpu> REMOVE_VGPU = command("vgpu.agent.remove-vgpu.v1", RemoveVgpu.class);
    public static final EventType<SetVgpuParams> SET_VGPU_PARAMS =
            command("vgpu.agent.set-vgpu-params.v1", SetVgpuParams.class);
    public static final EventType<CheckMigrationCompatibility> CHECK_MIGRATION_COMPATIBILITY =
            command("vgpu.agent.check-migration-compatibility.v1", CheckMigrationCompatibility.class);
    public static final EventType<PrepareMigrationTarget> PREPARE_MIGRATION_TARGET =
            command("vgpu.agent.prepare-migration-target.v1", PrepareMigrationTarget.class);
    public static final EventType<MigrateVm> MIGRATE_VM = command("vgpu.agent.migrate-vm.v1", MigrateVm.class);
    public static final EventType<SuspendVm> SUSPEND_VM = command("vgpu.agent.suspend-vm.v1", SuspendVm.class);
    public static final EventType<ResumeVm> RESUME_VM = command("vgpu.agent.resume-vm.v1", ResumeVm.class);

    public static final EventType<CommandSucceeded> COMMAND_SUCCEEDED =
            reply("vgpu.agent.command-succeeded.v1", CommandSucceeded.class);
    public static final EventType<CommandRejected> COMMAND_REJECTED =
            reply("vgpu.agent.command-rejected.v1", CommandRejected.class);
    public static final EventType<CommandFailed> COMMAND_FAILED =
            reply("vgpu.agent.command-failed.v1", CommandFailed.class);

    public static final EventType<GpuHealthChanged> GPU_HEALTH_CHANGED = new EventType<>(
            "vgpu.health.gpu-health-changed.v1",
            GpuHealthChanged.class,
            TopicCatalogue.GPU_HEALTH,
            GpuHealthChanged::gpuUuid);
    public static final EventType<GpuCordonChanged> GPU_CORDON_CHANGED = new EventType<>(
            "vgpu.health.gpu-cordon-changed.v1",
            GpuCordonChanged.class,
            TopicCatalogue.GPU_CORDONS,
            GpuCordonChanged::gpuUuid);
    public static final EventType<DrainRequested> DRAIN_REQUESTED = new EventType<>(
            "vgpu.health.drain-requested.v1",
            DrainRequested.class,
            TopicCatalogue.DRAIN_REQUESTS,
            DrainRequested::gpuUuid);

    public static final EventType<VgpuStateChanged> VGPU_STATE_CHANGED = new EventType<>(
            "vgpu.lifecycle.vgpu-state-changed.v1",
            VgpuStateChanged.class,
            TopicCatalogue.VGPU_STATES,
            VgpuStateChanged::requestId);

    public static final EventType<VgpuRequest> VGPU_REQUEST = new EventType<>(
            "vgpu.lifecycle.vgpu-request.v1",
            VgpuRequest.class,
            TopicCatalogue.VGPU_REQUESTS,
            VgpuRequest::requestId);

    public static final EventType<MigrationProgressed> MIGRATION_PROGRESSED = new EventType<>(
            "vgpu.migration.migration-progressed.v1",
            MigrationProgressed.class,
            TopicCatalogue.MIGRATION_PROGRESS,
            MigrationProgressed::migrationId);

    // claims (inventory-service)
    public static final EventType<ClaimCapacity> CLAIM_CAPACITY =
            claimCommand("vgpu.inventory.claim-capacity.v1", ClaimCapacity.class);
    public static final EventType<ReleaseClaim> RELEASE_CLAIM =
            claimCommand("vgpu.inventory.release-claim.v1", ReleaseClaim.class);
    public static final EventType<ExtendClaim> EXTEND_CLAIM =
            claimCommand("vgpu.inventory.extend-claim.v1", ExtendClaim.class);
    public static final EventType<ClaimChanged> CLAIM_CHANGED = new EventType<>(
            "vgpu.inventory.claim-changed.v1", ClaimChanged.class, TopicCatalogue.CLAIMS, ClaimChanged::claimId);
    public static final EventType<ClaimCommandRefused> CLAIM_COMMAND_REFUSED = new EventType<>(
            "vgpu.inventory.claim-command-refused.v1",
            ClaimCommandRefused.class,
            TopicCatalogue.CLAIM_REFUSALS,
            // keyed by claim id (was host id): co-partitioned with the reservations, which free an id on a refusal
            ClaimCommandRefused::claimId);
    public static final EventType<ReserveClaimId> RESERVE_CLAIM_ID = new EventType<>(
            "vgpu.inventory.reserve-claim-id.v1", ReserveClaimId.class, TopicCatalogue.CLAIM_RESERVATIONS,
            reserve -> reserve.claim().claimId());

    public static final EventType<MigrationSaga> MIGRATION_SAGA = new EventType<>(
            "vgpu.migration.migration-saga.v1",
            MigrationSaga.class,
            TopicCatalogue.MIGRATION_SAGAS,
            MigrationSaga::migrationId);
    public static final EventType<Drain> DRAIN = new EventType<>(
            "vgpu.migration.drain.v1", Drain.class, TopicCatalogue.MIGRATION_DRAINS, Drain::drainId);

    public static final EventType<WriteAudited> WRITE_AUDITED = new EventType<>(
            "vgpu.audit.write-audited.v1",
            WriteAudited.class,
            TopicCatalogue.AUDIT_WRITES,
            WriteAudited::principal);

    private static final List<EventType<?>> ALL = List.of(
            HOST_SNAPSHOT,
            ECC_ERRORS_OBSERVED,
            PAGES_RETIRED,
            ROWS_REMAPPED,
            XID_ERROR_OBSERVED,
            GPU_LOST,
            CREATE_VGPU,
            REMOVE_VGPU,
            SET_VGPU_PARAMS,
            CHECK_MIGRATION_COMPATIBILITY,
            PREPARE_MIGRATION_TARGET,
            MIGRATE_VM,
            SUSPEND_VM,
            RESUME_VM,
            COMMAND_SUCCEEDED,
            COMMAND_REJECTED,
            COMMAND_FAILED,
            GPU_HEALTH_CHANGED,
            GPU_CORDON_CHANGED,
            DRAIN_REQUESTED,
            VGPU_STATE_CHANGED,
            MIGRATION_PROGRESSED,
            // claims
            CLAIM_CAPACITY,
            RELEASE_CLAIM,
            EXTEND_CLAIM,
            CLAIM_CHANGED,
            CLAIM_COMMAND_REFUSED,
            RESERVE_CLAIM_ID,
            VGPU_REQUEST,
            MIGRATION_SAGA,
            DRAIN,
            // security
            WRITE_AUDITED);

    private static final Map<String, EventType<?>> BY_CE_TYPE = index();
    private static final Map<Class<?>, EventType<?>> BY_CLASS = indexByClass();

    private EventTypes() {}

    public static List<EventType<?>> all() {
        return ALL;
    }

    public static Optional<EventType<?>> byCeType(String ceType) {
        return Optional.ofNullable(BY_CE_TYPE.get(ceType));
    }

    @SuppressWarnings("unchecked")
    public static <T> EventType<T> of(Class<T> javaType) {
        EventType<?> type = BY_CLASS.get(javaType);
        if (type == null) {
            throw new IllegalArgumentException(javaType.getName() + " is not a registered event type");
        }
        return (EventType<T>) type;
    }

    /** The types that travel on one topic. */
    public static List<EventType<?>> on(Topic topic) {
        return ALL.stream().filter(type -> type.topic().equals(topic)).toList();
    }

    private static <T extends HealthSignal> EventType<T> signal(String ceType, Class<T> javaType) {
        return new EventType<>(ceType, javaType, TopicCatalogue.HEALTH_SIGNALS, HealthSignal::gpuUuid);
    }

    private static <T extends AgentCommand> EventType<T> command(String ceType, Class<T> javaType) {
        return new EventType<>(ceType, javaType, TopicCatalogue.AGENT_COMMANDS, AgentCommand::hostId);
    }

    private static <T extends ClaimCommand> EventType<T> claimCommand(String ceType, Class<T> javaType) {
        return new EventType<>(ceType, javaType, TopicCatalogue.CLAIM_REQUESTS, ClaimCommand::hostId);
    }

    private static <T extends CommandReply> EventType<T> reply(String ceType, Class<T> javaType) {
        return new EventType<>(ceType, javaType, TopicCatalogue.COMMAND_REPLIES, CommandReply::hostId);
    }

    private static Map<String, EventType<?>> index() {
        Map<String, EventType<?>> index = new LinkedHashMap<>();
        for (EventType<?> type : ALL) {
            if (index.put(type.ceType(), type) != null) {
                throw new IllegalStateException("ce_type " + type.ceType() + " registered twice");
            }
        }
        return Map.copyOf(index);
    }

    private static Map<Class<?>, EventType<?>> indexByClass() {
        Map<Class<?>, EventType<?>> index = new LinkedHashMap<>();
        ALL.forEach(type -> index.put(type.javaType(), type));
        return Map.copyOf(index);
    }
}
