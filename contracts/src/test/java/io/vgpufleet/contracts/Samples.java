package io.vgpufleet.contracts;

import io.vgpufleet.contracts.audit.WriteAudited;
import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ExtendClaim;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import io.vgpufleet.contracts.claims.ReserveClaimId;
import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.ResumeVm;
import io.vgpufleet.contracts.command.SetVgpuParams;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.GpuLost;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.RowsRemapped;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.host.VirtualFunction;
import io.vgpufleet.contracts.host.VmRunState;
import io.vgpufleet.contracts.lifecycle.DeviceStatus;
import io.vgpufleet.contracts.lifecycle.OperationKind;
import io.vgpufleet.contracts.lifecycle.PendingOperation;
import io.vgpufleet.contracts.lifecycle.VgpuDevice;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import io.vgpufleet.contracts.messaging.EventType;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.migration.CandidateRejection;
import io.vgpufleet.contracts.migration.Compensation;
import io.vgpufleet.contracts.migration.Drain;
import io.vgpufleet.contracts.migration.MigrationProgressed;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.TargetCandidate;
import io.vgpufleet.contracts.migration.MigrationStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One realistic instance of every registered record type, for tests of the wire format. The first
 * sample of a type is fully populated; further samples leave {@code @Nullable} fields out where the
 * reader must cope with both (the {@code SamplesTest} checks that every nullable field is seen both
 * ways).
 *
 * <p>The fleet they describe: {@value #MDEV_HOST}, a Pascal host with a Tesla P4 on the mdev bus
 * carrying one {@code GRID P4-8C}; {@value #VFIO_HOST}, a Hopper host with an H100 on NVIDIA's vendor
 * VFIO, one of its SR-IOV VFs holding an {@code NVIDIA H100-10C} that migrates to
 * {@value #TARGET_HOST}.
 */
public final class Samples {

    public static final Instant T0 = Instant.parse("2025-06-02T08:15:30.125Z");

    public static final String MDEV_HOST = "kvm-p4-01.lab";
    public static final String VFIO_HOST = "kvm-h100-07";
    public static final String TARGET_HOST = "kvm-h100-08";

    public static final String P4_GPU = "GPU-3c5e1a2b-7d4f-4e8a-9b6c-0d1e2f3a4b5c";
    public static final String P4_BDF = "0000:3b:00.0";
    public static final String H100_GPU = "GPU-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
    public static final String H100_BDF = "0000:c1:00.0";
    public static final String H100_VF_IN_USE = "0000:c1:00.4";
    public static final String H100_VF_FREE = "0000:c1:00.5";
    public static final String TARGET_GPU_BDF = "0000:41:00.0";

    public static final String P4_VGPU = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    public static final String H100_VGPU = "b7e8f9a0-1b2c-4d3e-9f4a-5b6c7d8e9f01";
    public static final String TARGET_VGPU = "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f";

    public static final String P4_8C = "nvidia-289";
    public static final String H100_10C = "1061";
    public static final String H100_40C = "1064";

    public static final String COMMAND_ID = "cmd-01JX8Q2T5V6W7X8Y9Z0A1B2C3D";
    public static final String REQUEST_ID = "req-7f3e2d1c";
    public static final String MIGRATION_ID = "mig-2025-06-02-0007";
    public static final String TRAINING_VM = "vm-train-17";
    public static final String INFERENCE_VM = "vm-infer-03";
    public static final String MIGRATION_VERSION = "NVIDIA-vGPU-H100-10C;550.127.06;abi=12";

    private static final Instant NOT_AFTER = T0.plus(Duration.ofSeconds(30));
    private static final Instant REPLIED_AT = T0.plusMillis(1_870);

    private Samples() {}

    // ---------------------------------------------------------------- host snapshots

    public static VgpuTypeCapacity p4_8c() {
        return new VgpuTypeCapacity(P4_8C, "GRID P4-8C", VgpuClass.C, 8192, 1, 0, 1, 0, "4096x2160", "vfio-pci", null);
    }

    public static PhysicalGpu teslaP4() {
        return new PhysicalGpu(
                P4_GPU,
                P4_BDF,
                "Tesla P4",
                7680,
                0,
                "0-15,32-47",
                EccMode.OFF,
                HostKind.MDEV,
                false,
                new NvmlFacts(NvmlFacts.AVAILABLE, "HOST_VGPU", "NON_SRIOV"),
                List.of(
                        p4_8c(),
                        new VgpuTypeCapacity(
                                "nvidia-63", "GRID P4-1Q", VgpuClass.Q, 1024, 8, 0, 4, 60, "5120x2880", "vfio-pci", null)),
                List.of());
    }

    public static PhysicalGpu h100() {
        return new PhysicalGpu(
                H100_GPU,
                H100_BDF,
                "NVIDIA H100 80GB HBM3",
                81559,
                1,
                "32-63,96-127",
                EccMode.ON,
                HostKind.VENDOR_VFIO,
                true,
                new NvmlFacts(NvmlFacts.AVAILABLE, "HOST_VGPU", "SRIOV"),
                List.of(
                        new VgpuTypeCapacity(H100_10C, "NVIDIA H100-10C", VgpuClass.C, 10240, 8, 7, 1, 0, "4096x2160",
                                "vfio-pci", MIGRATION_VERSION),
                        new VgpuTypeCapacity(H100_40C, "NVIDIA H100-40C", VgpuClass.C, 40960, 2, 1, 1, 0, "4096x2160",
                                "vfio-pci", "NVIDIA-vGPU-H100-40C;550.127.06;abi=12")),
                List.of(
                        new VirtualFunction(H100_VF_IN_USE, H100_10C, List.of()),
                        new VirtualFunction(H100_VF_FREE, null, List.of(H100_10C, H100_40C))));
    }

    /** A Pascal mdev host: a P4 carrying one GRID P4-8C attached to a VM. */
    public static HostSnapshot mdevHost() {
        return new HostSnapshot(
                MDEV_HOST,
                42,
                T0,
                "0.1.0",
                HostKind.MDEV,
                new VgpuManagerStatus(true, "550.127.06", List.of()),
                List.of(teslaP4()),
                List.of(new Vgpu(P4_VGPU, P4_GPU, P4_8C, null, TRAINING_VM, Map.of("frame_rate_limiter", "0"), null,
                        VmRunState.RUNNING, null)));
    }

    /** A Hopper vendor-VFIO host: an H100 with one VF holding an H100-10C not yet attached to a VM. */
    public static HostSnapshot vendorVfioHost() {
        return new HostSnapshot(
                VFIO_HOST,
                7,
                T0,
                "0.1.0",
                HostKind.VENDOR_VFIO,
                new VgpuManagerStatus(true, "550.127.06", List.of()),
                List.of(h100()),
                List.of(new Vgpu(H100_VGPU, H100_GPU, H100_10C, H100_VF_IN_USE, null, Map.of(), MIGRATION_VERSION,
                        null, "AAECAwQFBgc=")));
    }

    /** A host whose vGPU manager is down and whose NVML cannot be loaded: nothing to offer. */
    public static HostSnapshot brokenHost() {
        return new HostSnapshot(
                "kvm-p40-02",
                1,
                T0,
                "0.1.0",
                HostKind.MDEV,
                new VgpuManagerStatus(false, null, List.of("vGPU not supported with ECC Enabled")),
                List.of(new PhysicalGpu(
                        "GPU-0f1e2d3c-4b5a-4968-8776-655443322110",
                        "0000:af:00.0",
                        "Tesla P40",
                        24576,
                        -1,
                        "",
                        EccMode.UNKNOWN,
                        HostKind.MDEV,
                        false,
                        NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"),
                        List.of(),
                        List.of())),
                List.of());
    }

    // ---------------------------------------------------------------- health signals

    public static EccErrorsObserved eccErrorsObserved() {
        return new EccErrorsObserved(VFIO_HOST, H100_GPU, T0, SignalSource.POLL, new EccCounters(12, 0, 340, 1),
                new EccCounters(2, 0, 2, 0));
    }

    public static PagesRetired pagesRetired() {
        return new PagesRetired(MDEV_HOST, P4_GPU, T0, SignalSource.EVENT, 3, 1, true);
    }

    public static RowsRemapped rowsRemapped() {
        return new RowsRemapped(VFIO_HOST, H100_GPU, T0, SignalSource.POLL, 2, 0, true, false);
    }

    public static XidErrorObserved xidErrorObserved() {
        return new XidErrorObserved(MDEV_HOST, P4_GPU, T0, SignalSource.EVENT, 48);
    }

    public static GpuLost gpuLost() {
        return new GpuLost(VFIO_HOST, H100_GPU, T0, SignalSource.EVENT, "NVML_ERROR_GPU_IS_LOST (Xid 79)");
    }

    // ---------------------------------------------------------------- commands

    public static CreateVgpu createVgpu() {
        return new CreateVgpu(COMMAND_ID, MDEV_HOST, T0, NOT_AFTER, P4_BDF, P4_8C, P4_VGPU,
                Map.of("frame_rate_limiter", "0", "disable_vnc", "1"));
    }

    public static RemoveVgpu removeVgpu() {
        return new RemoveVgpu(COMMAND_ID, MDEV_HOST, T0, NOT_AFTER, P4_VGPU);
    }

    public static SetVgpuParams setVgpuParams() {
        return new SetVgpuParams(COMMAND_ID, MDEV_HOST, T0, NOT_AFTER, P4_VGPU, Map.of("frame_rate_limiter", "0"));
    }

    public static CheckMigrationCompatibility checkByMigrationVersion() {
        return new CheckMigrationCompatibility(
                COMMAND_ID, TARGET_HOST, T0, NOT_AFTER, TARGET_GPU_BDF, H100_10C, MIGRATION_VERSION, null);
    }

    public static CheckMigrationCompatibility checkByNvmlMetadata() {
        return new CheckMigrationCompatibility(
                COMMAND_ID, TARGET_HOST, T0, NOT_AFTER, TARGET_GPU_BDF, H100_10C, null, "AQIDBAUGBwgJCgsMDQ4PEA==");
    }

    public static PrepareMigrationTarget prepareMigrationTarget() {
        return new PrepareMigrationTarget(
                COMMAND_ID, TARGET_HOST, T0, NOT_AFTER, TARGET_GPU_BDF, H100_10C, TARGET_VGPU, INFERENCE_VM);
    }

    public static MigrateVm migrateVm() {
        return new MigrateVm(COMMAND_ID, VFIO_HOST, T0, NOT_AFTER, INFERENCE_VM, H100_VGPU, TARGET_HOST, TARGET_VGPU);
    }

    // ---------------------------------------------------------------- replies

    public static CommandSucceeded commandSucceeded() {
        return new CommandSucceeded(COMMAND_ID, MDEV_HOST, EventTypes.CREATE_VGPU.ceType(), REPLIED_AT,
                Map.of("vgpuUuid", P4_VGPU));
    }

    public static CommandRejected commandRejected() {
        return new CommandRejected(COMMAND_ID, MDEV_HOST, EventTypes.CREATE_VGPU.ceType(), REPLIED_AT,
                List.of("notAfter " + NOT_AFTER + " has passed", "type nvidia-289 has no available instance"));
    }

    public static CommandFailed commandFailed() {
        return new CommandFailed(COMMAND_ID, MDEV_HOST, EventTypes.CREATE_VGPU.ceType(), REPLIED_AT, "EUSERS",
                "write of " + P4_VGPU + " to mdev_supported_types/nvidia-289/create failed: Too many users");
    }

    // ---------------------------------------------------------------- verdicts, lifecycle, migration

    public static GpuHealthChanged gpuHealthChanged() {
        return new GpuHealthChanged(H100_GPU, VFIO_HOST, GpuHealth.HEALTHY, GpuHealth.DEGRADED, "row-remap-pending",
                Map.of("correctableRows", "2", "pending", "true"), T0);
    }

    public static GpuCordonChanged gpuCordonChanged() {
        return new GpuCordonChanged(H100_GPU, VFIO_HOST, true, "row remapping pending a GPU reset",
                "policy:row-remap-pending", T0);
    }

    public static DrainRequested drainRequested() {
        return new DrainRequested("drain-" + H100_GPU + "-" + T0.toEpochMilli(), H100_GPU, VFIO_HOST,
                GpuHealth.FAILED, "double-bit-ecc", "verdict FAILED by rule double-bit-ecc", T0);
    }

    public static VgpuStateChanged vgpuCreating() {
        return new VgpuStateChanged(REQUEST_ID, TRAINING_VM, VgpuState.PLACED, VgpuState.CREATING,
                "placed on " + P4_GPU, MDEV_HOST, P4_GPU, P4_VGPU, T0);
    }

    public static VgpuStateChanged vgpuRequested() {
        return new VgpuStateChanged(REQUEST_ID, TRAINING_VM, null, VgpuState.REQUESTED, "requested through the API",
                null, null, null, T0);
    }

    public static VgpuStateChanged vgpusPlacedForMultiVgpuVm() {
        return new VgpuStateChanged(REQUEST_ID, TRAINING_VM, VgpuState.REQUESTED, VgpuState.PLACED,
                "claim granted", VFIO_HOST, H100_GPU, H100_VGPU, T0, List.of(H100_VGPU, TARGET_VGPU));
    }

    public static SuspendVm suspendVm() {
        return new SuspendVm(COMMAND_ID, MDEV_HOST, T0, NOT_AFTER, TRAINING_VM);
    }

    public static ResumeVm resumeVm() {
        return new ResumeVm(COMMAND_ID, MDEV_HOST, T0, NOT_AFTER, TRAINING_VM);
    }

    /** A running single-vGPU request whose pGPU had a double-bit ECC error, being suspended. */
    public static VgpuRequest vgpuRequestSuspending() {
        VgpuSpec spec = new VgpuSpec(P4_8C, 1, true, Map.of("frame_rate_limiter", "0"), "C", 8192, 0, false, true,
                List.of(MDEV_HOST), List.of("kvm-p4-02"), List.of(P4_GPU), List.of(H100_GPU), "SPREAD");
        VgpuDevice device = new VgpuDevice(P4_VGPU, DeviceStatus.CREATED, P4_GPU, P4_BDF, P4_8C, 0, H100_VF_FREE,
                EccMode.ON, COMMAND_ID, 1, NOT_AFTER, T0);
        return new VgpuRequest(REQUEST_ID, "client-7", TRAINING_VM, spec, VgpuState.RUNNING, "9b0c6a1e-2f3d-4e5a-8b7c-1d2e3f4a5b6c",
                false, MDEV_HOST, List.of(device), new PendingOperation(OperationKind.SUSPEND, 1, NOT_AFTER, COMMAND_ID),
                null, false, "double-bit ECC error on " + P4_GPU, "resume refused: VM not paused", NOT_AFTER, T0, T0);
    }

    /** A two-vGPU request that failed and was compensated. */
    public static VgpuRequest vgpuRequestFailed() {
        VgpuSpec spec = new VgpuSpec(null, 2, false, Map.of(), null, 0, null, true, false, List.of(), List.of(),
                List.of(), List.of(), null);
        return new VgpuRequest(REQUEST_ID, null, TRAINING_VM, spec, VgpuState.FAILED, "9b0c6a1e-2f3d-4e5a-8b7c-1d2e3f4a5b6c",
                false, null, List.of(VgpuDevice.planned(H100_VGPU), VgpuDevice.planned(TARGET_VGPU).withStatus(DeviceStatus.REMOVED)),
                null, "no capacity: 409 from the inventory", true, null, null, null, T0, T0);
    }

    /** A request just taken, asking the inventory for its claim. */
    public static VgpuRequest vgpuRequestClaiming() {
        return new VgpuRequest(REQUEST_ID, null, TRAINING_VM, VgpuSpec.ofType(P4_8C, 1, false, Map.of()), VgpuState.REQUESTED,
                "9b0c6a1e-2f3d-4e5a-8b7c-1d2e3f4a5b6c", false, null, List.of(VgpuDevice.planned(P4_VGPU)),
                new PendingOperation(OperationKind.CLAIM, 1, NOT_AFTER, null), null, false, null, null, null, T0, T0);
    }

    public static MigrationProgressed migrationPreparingTarget() {
        return new MigrationProgressed(MIGRATION_ID, "drain-kvm-h100-07", INFERENCE_VM, H100_VGPU, VFIO_HOST,
                TARGET_HOST, MigrationStep.PREPARE_TARGET, "target vGPU " + TARGET_VGPU + " requested on " + TARGET_HOST,
                T0);
    }

    public static MigrationProgressed migrationValidating() {
        return new MigrationProgressed(MIGRATION_ID, null, INFERENCE_VM, H100_VGPU, VFIO_HOST, null,
                MigrationStep.VALIDATE, "operator asked to move the VM off a degraded GPU", T0);
    }

    // ---------------------------------------------------------------- claims

    public static final String CLAIM_ID = "claim-5b0e7c1d";

    public static ClaimItem claimItem() {
        return new ClaimItem(P4_GPU, P4_BDF, P4_8C, TARGET_VGPU, 0);
    }

    public static ClaimCapacity claimCapacity() {
        return new ClaimCapacity(COMMAND_ID, CLAIM_ID, MDEV_HOST, TRAINING_VM, "lifecycle-service", 120,
                List.of(claimItem()), T0);
    }

    public static ReleaseClaim releaseClaim() {
        return new ReleaseClaim(COMMAND_ID, CLAIM_ID, MDEV_HOST, "vGPU destroyed", T0);
    }

    public static ExtendClaim extendClaim() {
        return new ExtendClaim(COMMAND_ID, CLAIM_ID, MDEV_HOST, 300, T0);
    }

    public static ClaimChanged claimConfirmed() {
        return new ClaimChanged(CLAIM_ID, ClaimState.CONFIRMED, ClaimState.GRANTED, MDEV_HOST, TRAINING_VM,
                "lifecycle-service", List.of(claimItem()), T0, T0.plusSeconds(120), T0.plusSeconds(9), COMMAND_ID,
                "vGPUs seen in snapshot");
    }

    public static ClaimChanged claimGranted() {
        return new ClaimChanged(CLAIM_ID, ClaimState.GRANTED, null, MDEV_HOST, TRAINING_VM, "lifecycle-service",
                List.of(claimItem()), T0, T0.plusSeconds(120), T0, null, "granted");
    }

    public static ClaimCommandRefused claimRefused() {
        return new ClaimCommandRefused(COMMAND_ID, CLAIM_ID, MDEV_HOST, "vgpu.inventory.claim-capacity.v1",
                List.of(new ClaimCommandRefused.Reason(P4_GPU, "NO_CAPACITY", "nvidia-289: 0 available, 1 asked"),
                        new ClaimCommandRefused.Reason(null, "VGPU_UUID_IN_USE", "vGPU " + TARGET_VGPU + " is in use")),
                T0);
    }

    public static MigrationProgressed migrationCompensated() {
        return new MigrationProgressed(MIGRATION_ID, null, INFERENCE_VM, H100_VGPU, VFIO_HOST, TARGET_HOST,
                MigrationStep.COMPENSATED, "no compatible target", T0,
                List.of(new CandidateRejection(MDEV_HOST, P4_GPU, "NVML_LIMIT", "limited by HOST_DRIVER")), 15_000);
    }

    public static MigrationSaga migrationSagaCompensating() {
        return new MigrationSaga(MIGRATION_ID, "drain-kvm-h100-07", true, INFERENCE_VM, H100_VGPU, H100_10C, VFIO_HOST,
                H100_GPU, TARGET_HOST, MIGRATION_VERSION, "AAECAw==", 10240, 75_000, MigrationStep.COMPENSATING, 1, T0,
                T0.plusSeconds(1), T0.plusSeconds(3), T0.plusSeconds(4),
                List.of(new TargetCandidate(TARGET_HOST, "GPU-b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", TARGET_GPU_BDF,
                        TargetCandidate.Compatibility.COMPATIBLE)),
                List.of(new CandidateRejection(MDEV_HOST, null, "TYPE_UNAVAILABLE", "no pGPU offers 1061")),
                "claim-7", TARGET_HOST, "GPU-b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", TARGET_GPU_BDF, TARGET_VGPU,
                List.of(Compensation.REMOVE_TARGET_VGPU, Compensation.RELEASE_CLAIM), "MIGRATE failed: HYPERVISOR_ERROR");
    }

    public static MigrationSaga migrationSagaQueued() {
        return new MigrationSaga(MIGRATION_ID, null, false, INFERENCE_VM, H100_VGPU, H100_10C, VFIO_HOST, H100_GPU, null,
                null, null, 0, 0, MigrationStep.QUEUED, 0, T0, null, T0, T0, List.of(), List.of(), null, null, null, null,
                TARGET_VGPU, List.of(), "");
    }

    public static Drain hostDrain() {
        return new Drain("drain-kvm-h100-07", VFIO_HOST, null, false, "host maintenance", T0,
                List.of(new Drain.Item(H100_VGPU, INFERENCE_VM, MIGRATION_ID, null),
                        new Drain.Item(TARGET_VGPU, null, null, "no VM holds it")));
    }

    public static Drain gpuDrain() {
        return new Drain("drain-GPU-a1b2c3d4-1", VFIO_HOST, H100_GPU, true, "verdict FAILED by rule double-bit-ecc", T0,
                List.of(new Drain.Item(H100_VGPU, INFERENCE_VM, MIGRATION_ID, null)));
    }

    public static WriteAudited operatorCordonAccepted() {
        return new WriteAudited("req-3b1f9c", "health-service", "alice@ops.example", true, List.of("operator"), "POST",
                "/api/v1/gpus/" + P4_GPU + "/cordon", 202, T0, "jti-5d2a41e0", "10.20.0.17");
    }

    public static WriteAudited anonymousWriteRefused() {
        return new WriteAudited("7c1e2f40-5b6a-4c3d-8e9f-0a1b2c3d4e5f", "inventory-service", WriteAudited.ANONYMOUS,
                false, List.of(), "POST", "/api/v1/placements", 401, T0, null, null);
    }

    // ---------------------------------------------------------------- by type

    private static final Map<EventType<?>, List<?>> BY_TYPE = byType();

    private static Map<EventType<?>, List<?>> byType() {
        Map<EventType<?>, List<?>> samples = new LinkedHashMap<>();
        samples.put(EventTypes.HOST_SNAPSHOT, List.of(vendorVfioHost(), mdevHost(), brokenHost()));
        samples.put(EventTypes.ECC_ERRORS_OBSERVED, List.of(eccErrorsObserved()));
        samples.put(EventTypes.PAGES_RETIRED, List.of(pagesRetired()));
        samples.put(EventTypes.ROWS_REMAPPED, List.of(rowsRemapped()));
        samples.put(EventTypes.XID_ERROR_OBSERVED, List.of(xidErrorObserved()));
        samples.put(EventTypes.GPU_LOST, List.of(gpuLost()));
        samples.put(EventTypes.CREATE_VGPU, List.of(createVgpu()));
        samples.put(EventTypes.REMOVE_VGPU, List.of(removeVgpu()));
        samples.put(EventTypes.SET_VGPU_PARAMS, List.of(setVgpuParams()));
        samples.put(EventTypes.CHECK_MIGRATION_COMPATIBILITY, List.of(checkByMigrationVersion(), checkByNvmlMetadata()));
        samples.put(EventTypes.PREPARE_MIGRATION_TARGET, List.of(prepareMigrationTarget()));
        samples.put(EventTypes.MIGRATE_VM, List.of(migrateVm()));
        samples.put(EventTypes.SUSPEND_VM, List.of(suspendVm()));
        samples.put(EventTypes.RESUME_VM, List.of(resumeVm()));
        samples.put(EventTypes.COMMAND_SUCCEEDED, List.of(commandSucceeded()));
        samples.put(EventTypes.COMMAND_REJECTED, List.of(commandRejected()));
        samples.put(EventTypes.COMMAND_FAILED, List.of(commandFailed()));
        samples.put(EventTypes.GPU_HEALTH_CHANGED, List.of(gpuHealthChanged()));
        samples.put(EventTypes.GPU_CORDON_CHANGED, List.of(gpuCordonChanged()));
        samples.put(EventTypes.DRAIN_REQUESTED, List.of(drainRequested()));
        samples.put(EventTypes.VGPU_STATE_CHANGED, List.of(vgpuCreating(), vgpuRequested(), vgpusPlacedForMultiVgpuVm()));
        samples.put(EventTypes.VGPU_REQUEST, List.of(vgpuRequestSuspending(), vgpuRequestFailed(), vgpuRequestClaiming()));
        samples.put(EventTypes.MIGRATION_PROGRESSED,
                List.of(migrationCompensated(), migrationPreparingTarget(), migrationValidating()));
        samples.put(EventTypes.CLAIM_CAPACITY, List.of(claimCapacity()));
        samples.put(EventTypes.RESERVE_CLAIM_ID, List.of(new ReserveClaimId(claimCapacity())));
        samples.put(EventTypes.RELEASE_CLAIM, List.of(releaseClaim()));
        samples.put(EventTypes.EXTEND_CLAIM, List.of(extendClaim()));
        samples.put(EventTypes.CLAIM_CHANGED, List.of(claimConfirmed(), claimGranted()));
        samples.put(EventTypes.CLAIM_COMMAND_REFUSED, List.of(claimRefused()));
        samples.put(EventTypes.MIGRATION_SAGA, List.of(migrationSagaCompensating(), migrationSagaQueued()));
        samples.put(EventTypes.DRAIN, List.of(hostDrain(), gpuDrain()));
        samples.put(EventTypes.WRITE_AUDITED, List.of(operatorCordonAccepted(), anonymousWriteRefused()));
        return samples;
    }

    /** The types that have samples, in the order they were added. */
    public static List<EventType<?>> types() {
        return List.copyOf(BY_TYPE.keySet());
    }

    /** The samples of one type, the fully populated one first. */
    public static <T> List<T> of(EventType<T> type) {
        List<?> samples = BY_TYPE.get(type);
        if (samples == null) {
            throw new IllegalArgumentException("no sample of " + type.ceType());
        }
        return samples.stream().map(type.javaType()::cast).toList();
    }

    /** The fully populated sample of one type. */
    public static <T> T first(EventType<T> type) {
        return of(type).get(0);
    }

    /** Every sample of every type. */
    public static List<Object> all() {
        List<Object> all = new ArrayList<>();
        BY_TYPE.values().forEach(all::addAll);
        return all;
    }
}
