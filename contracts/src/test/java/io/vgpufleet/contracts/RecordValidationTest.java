package io.vgpufleet.contracts;

import static io.vgpufleet.contracts.Samples.COMMAND_ID;
import static io.vgpufleet.contracts.Samples.H100_10C;
import static io.vgpufleet.contracts.Samples.H100_GPU;
import static io.vgpufleet.contracts.Samples.H100_VGPU;
import static io.vgpufleet.contracts.Samples.INFERENCE_VM;
import static io.vgpufleet.contracts.Samples.MDEV_HOST;
import static io.vgpufleet.contracts.Samples.MIGRATION_ID;
import static io.vgpufleet.contracts.Samples.P4_8C;
import static io.vgpufleet.contracts.Samples.P4_BDF;
import static io.vgpufleet.contracts.Samples.P4_GPU;
import static io.vgpufleet.contracts.Samples.P4_VGPU;
import static io.vgpufleet.contracts.Samples.REQUEST_ID;
import static io.vgpufleet.contracts.Samples.T0;
import static io.vgpufleet.contracts.Samples.TARGET_HOST;
import static io.vgpufleet.contracts.Samples.TARGET_VGPU;
import static io.vgpufleet.contracts.Samples.TRAINING_VM;
import static io.vgpufleet.contracts.Samples.VFIO_HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.SetVgpuParams;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.DrainRequested;
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
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.contracts.lifecycle.VgpuStateChanged;
import io.vgpufleet.contracts.migration.MigrationProgressed;
import io.vgpufleet.contracts.migration.MigrationStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A record that exists is valid: every compact constructor refuses what the hosts would refuse, and says which field. */
class RecordValidationTest {

    private static final java.time.Instant LATER = T0.plusSeconds(30);

    @Nested
    class Commands {

        @Test
        void rejectsTypeIdsThatCouldEscapeTheSysfsRoot() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CreateVgpu(COMMAND_ID, MDEV_HOST, T0, LATER, P4_BDF, "../../x", P4_VGPU, Map.of()))
                    .withMessageStartingWith("typeId must be a vGPU type id")
                    .withMessageContaining("'../../x'");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new PrepareMigrationTarget(
                            COMMAND_ID, TARGET_HOST, T0, LATER, P4_BDF, "nvidia-289/../../x", TARGET_VGPU, INFERENCE_VM))
                    .withMessageStartingWith("typeId must be");
        }

        @Test
        void rejectsVgpuUuidsThatCouldNameAnotherFile() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new RemoveVgpu(COMMAND_ID, MDEV_HOST, T0, LATER, "6f1c2b3a-4d5e-4f60-8a7b/../../x"))
                    .withMessageStartingWith("vgpuUuid must be a canonical lower-case UUID");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CreateVgpu(
                            COMMAND_ID, MDEV_HOST, T0, LATER, P4_BDF, P4_8C, P4_VGPU.toUpperCase(), Map.of()))
                    .withMessageStartingWith("vgpuUuid must be a canonical lower-case UUID");
        }

        @Test
        void rejectsParentAddressesThatAreNotSysfsDeviceNames() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CreateVgpu(COMMAND_ID, MDEV_HOST, T0, LATER, "0000:3b:00..0", P4_8C, P4_VGPU, Map.of()))
                    .withMessageStartingWith("parentPciBdf must be a PCI address");
        }

        @Test
        void rejectsHostileCommandIdsAndHostIdsNamingTheField() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new RemoveVgpu("cmd\r\n1", MDEV_HOST, T0, LATER, P4_VGPU))
                    .withMessageStartingWith("commandId must be")
                    .withMessageNotContaining("\r")
                    .withMessageNotContaining("\n");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new RemoveVgpu(COMMAND_ID, "x".repeat(10_240), T0, LATER, P4_VGPU))
                    .withMessageStartingWith("hostId must be a host id")
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        }

        @Test
        void rejectsACommandThatExpiresBeforeItIsIssued() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new RemoveVgpu(COMMAND_ID, MDEV_HOST, LATER, T0, P4_VGPU))
                    .withMessage("notAfter " + T0 + " is before issuedAt " + LATER);
            assertThatNoException().isThrownBy(() -> new RemoveVgpu(COMMAND_ID, MDEV_HOST, T0, T0, P4_VGPU));
        }

        @Test
        void rejectsACommandWithoutItsTimes() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new RemoveVgpu(COMMAND_ID, MDEV_HOST, null, LATER, P4_VGPU))
                    .withMessage("issuedAt must be present");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new RemoveVgpu(COMMAND_ID, MDEV_HOST, T0, null, P4_VGPU))
                    .withMessage("notAfter must be present");
        }

        @Test
        void rejectsParamsThatWouldSmuggleAnotherVgpuParam() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CreateVgpu(COMMAND_ID, MDEV_HOST, T0, LATER, P4_BDF, P4_8C, P4_VGPU,
                            Map.of("frame_rate_limiter", "0,disable_vnc=1")))
                    .withMessageStartingWith("params.frame_rate_limiter must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new SetVgpuParams(COMMAND_ID, MDEV_HOST, T0, LATER, P4_VGPU, Map.of("FRL", "0")))
                    .withMessageStartingWith("params key must be snake_case");
        }

        @Test
        void rejectsSettingNoParams() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new SetVgpuParams(COMMAND_ID, MDEV_HOST, T0, LATER, P4_VGPU, Map.of()))
                    .withMessage("params must name at least one parameter");
        }

        @Test
        void keepsAnImmutableCopyOfParams() {
            Map<String, String> params = new HashMap<>(Map.of("frame_rate_limiter", "0"));
            CreateVgpu command = new CreateVgpu(COMMAND_ID, MDEV_HOST, T0, LATER, P4_BDF, P4_8C, P4_VGPU, params);
            params.put("disable_vnc", "1");

            assertThat(command.params()).containsOnlyKeys("frame_rate_limiter");
        }

        @Test
        void rejectsMigratingAVmOntoItsOwnHost() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new MigrateVm(
                            COMMAND_ID, VFIO_HOST, T0, LATER, INFERENCE_VM, H100_VGPU, VFIO_HOST, TARGET_VGPU))
                    .withMessage("targetHostId must differ from the source host " + VFIO_HOST);
        }

        @Test
        void rejectsVmIdsThatCouldBeReadAsOptionsOrPaths() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new MigrateVm(
                            COMMAND_ID, VFIO_HOST, T0, LATER, "--all", H100_VGPU, TARGET_HOST, TARGET_VGPU))
                    .withMessageStartingWith("vmId must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new PrepareMigrationTarget(
                            COMMAND_ID, TARGET_HOST, T0, LATER, P4_BDF, H100_10C, TARGET_VGPU, "../vm"))
                    .withMessageStartingWith("vmId must be");
        }

        @Test
        void compatibilityCheckNeedsAMigrationVersionOrNvmlMetadata() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CheckMigrationCompatibility(
                            COMMAND_ID, TARGET_HOST, T0, LATER, P4_BDF, H100_10C, null, null))
                    .withMessage("give migrationVersion or vgpuMetadataBase64");
        }

        @Test
        void compatibilityCheckRejectsAnEmptyOrOversizedMigrationVersion() {
            for (String version : List.of("", "v".repeat(4097))) {
                assertThatIllegalArgumentException()
                        .isThrownBy(() -> new CheckMigrationCompatibility(
                                COMMAND_ID, TARGET_HOST, T0, LATER, P4_BDF, H100_10C, version, null))
                        .withMessage("migrationVersion must hold 1 to 4096 characters");
            }
        }

        @Test
        void compatibilityCheckRejectsMetadataThatIsNotBase64() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CheckMigrationCompatibility(
                            COMMAND_ID, TARGET_HOST, T0, LATER, P4_BDF, H100_10C, null, "not base64!"))
                    .withMessageStartingWith("vgpuMetadataBase64 is not base64");
        }
    }

    @Nested
    class Replies {

        @Test
        void rejectsARejectionWithoutAReason() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CommandRejected(COMMAND_ID, MDEV_HOST, "vgpu.agent.create-vgpu.v1", T0, List.of()))
                    .withMessage("a rejection names at least one reason");
        }

        @Test
        void rejectsAFailureWithoutAnErrorCodeOrMessage() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CommandFailed(COMMAND_ID, MDEV_HOST, "vgpu.agent.create-vgpu.v1", T0, " ", "x"))
                    .withMessage("errorCode must not be blank");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CommandFailed(COMMAND_ID, MDEV_HOST, "vgpu.agent.create-vgpu.v1", T0, "EEXIST", ""))
                    .withMessage("message must not be blank");
        }

        @Test
        void rejectsAReplyWithoutTheCommandTypeOrTime() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CommandSucceeded(COMMAND_ID, MDEV_HOST, "", T0, Map.of()))
                    .withMessage("commandType must not be blank");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CommandSucceeded(COMMAND_ID, MDEV_HOST, "vgpu.agent.remove-vgpu.v1", null, Map.of()))
                    .withMessage("repliedAt must be present");
        }

        @Test
        void rejectsAResultWithNullValues() {
            Map<String, String> result = new HashMap<>();
            result.put("vgpuUuid", null);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new CommandSucceeded(COMMAND_ID, MDEV_HOST, "vgpu.agent.create-vgpu.v1", T0, result))
                    .withMessage("result must not contain null keys or values");
        }
    }

    @Nested
    class HostSnapshots {

        @Test
        void rejectsTheSamePgpuTwice() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> snapshot(List.of(Samples.teslaP4(), Samples.teslaP4()), List.of()))
                    .withMessage("gpus holds " + P4_GPU + " twice");
        }

        @Test
        void rejectsAVgpuOnAPgpuTheHostDoesNotHave() {
            Vgpu orphan = new Vgpu(P4_VGPU, H100_GPU, P4_8C, null, null, Map.of(), null);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> snapshot(List.of(Samples.teslaP4()), List.of(orphan)))
                    .withMessage("vGPU " + P4_VGPU + " names pGPU " + H100_GPU + " that is not in gpus");
        }

        @Test
        void rejectsTheSameVgpuTwice() {
            Vgpu vgpu = new Vgpu(P4_VGPU, P4_GPU, P4_8C, null, TRAINING_VM, Map.of(), null);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> snapshot(List.of(Samples.teslaP4()), List.of(vgpu, vgpu)))
                    .withMessage("vgpus holds " + P4_VGPU + " twice");
        }

        @Test
        void rejectsANegativeSequenceAndNullElements() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new HostSnapshot(MDEV_HOST, -1, T0, "0.1.0", HostKind.MDEV, running(), List.of(), List.of()))
                    .withMessage("sequence must not be negative, was -1");
            List<PhysicalGpu> withNull = new ArrayList<>();
            withNull.add(null);
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> snapshot(withNull, List.of()))
                    .withMessage("gpus must not contain null");
        }

        @Test
        void keepsAnImmutableCopyOfItsLists() {
            List<PhysicalGpu> gpus = new ArrayList<>(List.of(Samples.teslaP4()));
            HostSnapshot snapshot = snapshot(gpus, List.of());
            gpus.clear();

            assertThat(snapshot.gpus()).hasSize(1);
            assertThat(snapshot.vgpus()).isUnmodifiable();
        }

        @Test
        void rejectsMoreAvailableInstancesThanTheTypeHolds() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VgpuTypeCapacity(
                            P4_8C, "GRID P4-8C", VgpuClass.C, 8192, 1, 2, 1, 0, "4096x2160", "vfio-pci", null))
                    .withMessage("availableInstances 2 exceeds maxInstances 1 for nvidia-289");
        }

        @Test
        void rejectsATypeCapacityWithAHostileTypeId() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VgpuTypeCapacity(
                            "../../x", "GRID P4-8C", VgpuClass.C, 8192, 1, 1, 1, 0, "4096x2160", "vfio-pci", null))
                    .withMessageStartingWith("typeId must be");
        }

        @Test
        void acceptsNumaNodeMinusOneOnlyAsNoNode() {
            assertThat(gpuOnNuma(-1).numaNode()).isEqualTo(-1);
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> gpuOnNuma(-2))
                    .withMessage("numaNode must be -1 or a node number, was -2");
        }

        @Test
        void rejectsAVirtualFunctionWithHostileTypeIds() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VirtualFunction("0000:c1:00.4", "../../x", List.of()))
                    .withMessageStartingWith("currentTypeId must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VirtualFunction("0000:c1:00.4", null, List.of(H100_10C, "1061/..")))
                    .withMessageStartingWith("creatableTypeIds[] must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VirtualFunction("0000:c1:00..4", null, List.of()))
                    .withMessageStartingWith("pciBdf must be");
        }

        @Test
        void checksOptionalVgpuFieldsOnlyWhenPresent() {
            assertThatNoException().isThrownBy(() -> new Vgpu(P4_VGPU, P4_GPU, P4_8C, null, null, Map.of(), null));
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Vgpu(P4_VGPU, P4_GPU, P4_8C, "../0000:c1:00.4", null, Map.of(), null))
                    .withMessageStartingWith("virtualFunctionBdf must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Vgpu(P4_VGPU, P4_GPU, P4_8C, null, "vm\u0000", Map.of(), null))
                    .withMessageStartingWith("vmId must be")
                    .withMessageNotContaining("\u0000");
        }

        @Test
        void nvmlFactsNeedAStatus() {
            assertThat(NvmlFacts.unavailable("NVML_ERROR_DRIVER_NOT_LOADED").available()).isFalse();
            assertThat(new NvmlFacts(NvmlFacts.AVAILABLE, null, null).available()).isTrue();
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new NvmlFacts(" ", null, null))
                    .withMessage("status must not be blank");
        }

        private static HostSnapshot snapshot(List<PhysicalGpu> gpus, List<Vgpu> vgpus) {
            return new HostSnapshot(MDEV_HOST, 1, T0, "0.1.0", HostKind.MDEV, running(), gpus, vgpus);
        }

        private static VgpuManagerStatus running() {
            return new VgpuManagerStatus(true, "550.127.06", List.of());
        }

        private static PhysicalGpu gpuOnNuma(int numaNode) {
            return new PhysicalGpu(P4_GPU, P4_BDF, "Tesla P4", 7680, numaNode, "", EccMode.OFF, HostKind.MDEV, false,
                    NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), List.of(), List.of());
        }
    }

    @Nested
    class HealthSignals {

        @Test
        void rejectsXidsOutsideTheDriversRange() {
            for (int xid : new int[] {0, -48, 1_001}) {
                assertThatIllegalArgumentException()
                        .isThrownBy(() -> new XidErrorObserved(MDEV_HOST, P4_GPU, T0, SignalSource.EVENT, xid))
                        .withMessage("xid must be between 1 and 1000, was " + xid);
            }
        }

        @Test
        void rejectsNegativeCounters() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new EccCounters(0, -1, 0, 0))
                    .withMessage("uncorrectedVolatile must not be negative, was -1");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new PagesRetired(MDEV_HOST, P4_GPU, T0, SignalSource.POLL, 0, -1, false))
                    .withMessage("doubleBitEccPages must not be negative, was -1");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new RowsRemapped(VFIO_HOST, H100_GPU, T0, SignalSource.POLL, -1, 0, false, false))
                    .withMessage("correctableRows must not be negative, was -1");
        }

        @Test
        void rejectsSignalsWithoutTheirSourceOrCounters() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new GpuLost(VFIO_HOST, H100_GPU, T0, null, "gone"))
                    .withMessage("source must be present");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new EccErrorsObserved(VFIO_HOST, H100_GPU, T0, SignalSource.POLL, EccCounters.ZERO, null))
                    .withMessage("delta must be present");
        }

        @Test
        void rejectsGpuUuidsNvmlWouldNotReport() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new GpuLost(VFIO_HOST, H100_GPU.toUpperCase(), T0, SignalSource.EVENT, "gone"))
                    .withMessageStartingWith("gpuUuid must be an NVML GPU UUID");
        }

        @Test
        void verdictsNeedARuleAndAnActor() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new GpuHealthChanged(
                            H100_GPU, VFIO_HOST, GpuHealth.HEALTHY, GpuHealth.FAILED, "", Map.of(), T0))
                    .withMessage("rule must not be blank");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new GpuCordonChanged(H100_GPU, VFIO_HOST, true, "xid 79", " ", T0))
                    .withMessage("actor must not be blank");
        }

        @Test
        void drainRequestsNeedAnIdentifierAndAVerdict() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DrainRequested("-drain", H100_GPU, VFIO_HOST, GpuHealth.FAILED,
                            "double-bit-ecc", "verdict FAILED", T0))
                    .withMessageStartingWith("drainId");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DrainRequested("drain-1", H100_GPU, VFIO_HOST, null, "double-bit-ecc",
                            "verdict FAILED", T0))
                    .withMessageStartingWith("health");
        }
    }

    @Nested
    class LifecycleAndMigration {

        @Test
        void stateChangeChecksOptionalPlacementOnlyWhenPresent() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VgpuStateChanged(REQUEST_ID, TRAINING_VM, null, VgpuState.REQUESTED, "asked",
                            "../host", null, null, T0))
                    .withMessageStartingWith("hostId must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VgpuStateChanged(REQUEST_ID, TRAINING_VM, null, VgpuState.REQUESTED, "asked",
                            null, null, "6f1c2b3a/../x", T0))
                    .withMessageStartingWith("vgpuUuid must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new VgpuStateChanged(REQUEST_ID, TRAINING_VM, null, null, "asked", null, null, null, T0))
                    .withMessage("current must be present");
        }

        @Test
        void migrationProgressChecksEveryHost() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new MigrationProgressed(MIGRATION_ID, null, INFERENCE_VM, H100_VGPU, VFIO_HOST,
                            "KVM-H100-08", MigrationStep.CLAIM_TARGET, "claimed", T0))
                    .withMessageStartingWith("targetHostId must be");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new MigrationProgressed(MIGRATION_ID, "drain 1", INFERENCE_VM, H100_VGPU, VFIO_HOST,
                            null, MigrationStep.VALIDATE, "asked", T0))
                    .withMessageStartingWith("drainId must be");
        }

        @Test
        void onlyCompletedCompensatedAndFailedAreTerminal() {
            assertThat(java.util.Arrays.stream(MigrationStep.values()).filter(MigrationStep::terminal))
                    .containsExactly(MigrationStep.COMPLETED, MigrationStep.COMPENSATED, MigrationStep.FAILED);
        }
    }

    @Test
    void vgpuClassIsTheLastLetterOfTheTypeName() {
        assertThat(VgpuClass.ofTypeName("GRID P4-8C")).contains(VgpuClass.C);
        assertThat(VgpuClass.ofTypeName("NVIDIA H100-10C")).contains(VgpuClass.C);
        assertThat(VgpuClass.ofTypeName("GRID P40-24Q")).contains(VgpuClass.Q);
        assertThat(VgpuClass.ofTypeName("NVIDIA H100-80")).isEmpty();
        assertThat(VgpuClass.ofTypeName("")).isEmpty();
    }
}
