package io.vgpufleet.agent.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.hypervisor.HypervisorPort;
import io.vgpufleet.agent.hypervisor.SimulatedHypervisor;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedHostWriter;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two simulated hosts side by side, as the sandbox lays them out, migrating a VM between them. */
class MigrationCommandsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final String SOURCE_VGPU = "a1b2c3d4-0000-4000-8000-000000000001";
    private static final String TARGET_VGPU = "a1b2c3d4-0000-4000-8000-000000000002";

    @TempDir
    Path world;

    private Side source;
    private Side target;

    @BeforeEach
    void layOutTwoHostsOfTheSameProfile() {
        source = new Side("sim-01", 1);
        target = new Side("sim-02", 2);
    }

    @Test
    void theSameTypeOnAnotherSimulatedHostIsCompatibleAndAnotherTypeIsNot() {
        PhysicalGpu sourceP4 = source.gpu(0);
        String version = sourceP4.types().stream().filter(t -> t.typeId().equals("nvidia-289")).findFirst()
                .orElseThrow().migrationVersion();
        assertThat(version).contains("branch=550", "type=nvidia-289");

        CommandReply same = target.handler.handle(check("k-1", target.gpu(0).pciBdf(), "nvidia-289", version, null));
        CommandReply other = target.handler.handle(check("k-2", target.gpu(0).pciBdf(), "nvidia-288", version, null));

        assertThat(same).isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result())
                .containsEntry("compatible", "true").containsEntry("migrationKinds", "LIVE").containsEntry("limit", "NONE"));
        assertThat(other).isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result())
                .containsEntry("compatible", "false").containsEntry("limit", "EINVAL"));
    }

    @Test
    void aTypeWithoutMigrationVersionIsNotMigratableAndMetadataNvmlCannotReadFailsWithItsCode() {
        PhysicalGpu h100 = target.gpu(3);
        String type = h100.types().get(0).typeId();

        CommandReply vfio = target.handler.handle(check("k-1", h100.pciBdf(), type, "anything", null));
        CommandReply metadata = target.handler.handle(check("k-2", target.gpu(0).pciBdf(), "nvidia-289", null, "AAEC"));

        assertThat(vfio).isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result())
                .containsEntry("compatible", "false").containsEntry("limit", "NOT_MIGRATABLE"));
        assertThat(metadata).isInstanceOfSatisfying(CommandFailed.class,
                failed -> assertThat(failed.errorCode()).isEqualTo("NVML_ERROR_INVALID_ARGUMENT"));
    }

    @Test
    void aVendorVfioVgpuIsCheckedByNvmlWithTheSourcesMetadataAndNeedsTheLiveBit() throws Exception {
        PhysicalGpu sourceH100 = source.gpu(3);
        String type = sourceH100.types().get(0).typeId();
        source.handler.handle(new CreateVgpu("c-1", "sim-01", NOW, NOW.plusSeconds(60), sourceH100.pciBdf(), type,
                SOURCE_VGPU, Map.of()));
        Vgpu created = source.discover().vgpus().stream().filter(v -> v.gpuUuid().equals(sourceH100.uuid()))
                .findFirst().orElseThrow();
        String metadata = created.nvmlMetadataBase64();
        assertThat(metadata).isNotNull();
        assertThat(new String(java.util.Base64.getDecoder().decode(metadata), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("vgpu-sim-metadata-v1 driver=550.");

        CommandReply live = target.handler.handle(check("k-1", target.gpu(3).pciBdf(), type, null, metadata));
        java.nio.file.Files.writeString(target.root.resolve(SimulatedNvml.COMPATIBILITY_FILE), "limit=GPU\n");
        CommandReply limited = target.handler.handle(check("k-2", target.gpu(3).pciBdf(), type, null, metadata));

        assertThat(live).isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result())
                .containsEntry("compatible", "true").containsEntry("limit", "NONE")
                .containsEntry("migrationKinds", "COLD,HIBERNATE,SLEEP,LIVE"));
        assertThat(limited).isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result())
                .containsEntry("compatible", "false").containsEntry("limit", "GPU").containsEntry("decidedBy", "nvml")
                .containsEntry("migrationKinds", "COLD"));
    }

    @Test
    void anAcceptedMigrationVersionIsNotEnoughWhenNvmlLimitsTheTargetsPgpu() throws Exception {
        String bdf = target.gpu(0).pciBdf();
        String version = source.gpu(0).types().stream().filter(t -> t.typeId().equals("nvidia-289")).findFirst()
                .orElseThrow().migrationVersion();
        String metadata = java.util.Base64.getEncoder().encodeToString(
                new SimulatedNvml(source.root).vgpuMigrationMetadata(SOURCE_VGPU).orElseThrow());
        java.nio.file.Files.writeString(target.root.resolve(SimulatedNvml.COMPATIBILITY_FILE),
                "limit." + bdf.replace(':', '_') + "=HOST_DRIVER,bogus\n");

        CommandReply limited = target.handler.handle(check("k-1", bdf, "nvidia-289", version, metadata));
        CommandReply otherGpu = target.handler.handle(check("k-2", target.gpu(1).pciBdf(), target.gpu(1).types().get(0).typeId(),
                null, metadata));

        assertThat(limited).isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result())
                .containsEntry("compatible", "false").containsEntry("limit", "HOST_DRIVER")
                .hasEntrySatisfying("reason", reason -> assertThat(reason).contains("migration_version accepted",
                        "limited by HOST_DRIVER")));
        // the limit names one pGPU: the host's other pGPUs still take the vGPU
        assertThat(otherGpu).isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result())
                .containsEntry("compatible", "true").containsEntry("limit", "NONE"));
    }

    @Test
    void preparesTheTargetThenMigratesTheVmThere() throws HypervisorPort.HypervisorException {
        source.handler.handle(new CreateVgpu("c-1", "sim-01", NOW, NOW.plusSeconds(60), source.gpu(0).pciBdf(),
                "nvidia-289", SOURCE_VGPU, Map.of()));
        source.hypervisor.run("vm-7", List.of(SOURCE_VGPU));
        assertThat(source.discover().vgpus()).extracting(Vgpu::vmId).containsExactly("vm-7");

        CommandReply prepared = target.handler.handle(new PrepareMigrationTarget("p-1", "sim-02", NOW, NOW.plusSeconds(60),
                target.gpu(0).pciBdf(), "nvidia-289", TARGET_VGPU, "vm-7"));
        CommandReply migrated = source.handler.handle(new MigrateVm("m-1", "sim-01", NOW, NOW.plusSeconds(60), "vm-7",
                SOURCE_VGPU, "sim-02", TARGET_VGPU));

        assertThat(prepared).isInstanceOfSatisfying(CommandSucceeded.class,
                ok -> assertThat(ok.result()).containsEntry("vgpuUuid", TARGET_VGPU).containsEntry("vmId", "vm-7"));
        assertThat(migrated).isInstanceOf(CommandSucceeded.class);
        assertThat(target.discover().vgpus()).extracting(Vgpu::uuid, Vgpu::vmId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TARGET_VGPU, "vm-7"));
        assertThat(source.discover().vgpus()).extracting(Vgpu::vmId).containsOnlyNulls();
    }

    @Test
    void refusesToMigrateAVmThatDoesNotHoldTheVgpuOrToAHostOutsideTheWorld() throws HypervisorPort.HypervisorException {
        source.handler.handle(new CreateVgpu("c-1", "sim-01", NOW, NOW.plusSeconds(60), source.gpu(0).pciBdf(),
                "nvidia-289", SOURCE_VGPU, Map.of()));
        source.hypervisor.run("vm-7", List.of(SOURCE_VGPU));

        CommandReply wrongVm = source.handler.handle(new MigrateVm("m-1", "sim-01", NOW, NOW.plusSeconds(60), "vm-8",
                SOURCE_VGPU, "sim-02", TARGET_VGPU));
        CommandReply nowhere = source.handler.handle(new MigrateVm("m-2", "sim-01", NOW, NOW.plusSeconds(60), "vm-7",
                SOURCE_VGPU, "sim-99", TARGET_VGPU));

        assertThat(wrongVm).isInstanceOfSatisfying(CommandFailed.class,
                failed -> assertThat(failed.message()).contains("VM vm-8 does not hold vGPU", "(VM vm-7 does)"));
        assertThat(nowhere).isInstanceOfSatisfying(CommandFailed.class,
                failed -> assertThat(failed.message()).contains("sim-99 is not a simulated host"));
        assertThat(source.discover().vgpus()).extracting(Vgpu::vmId).containsExactly("vm-7");
    }

    private static CheckMigrationCompatibility check(String id, String parent, String type, String version,
            String metadata) {
        return new CheckMigrationCompatibility(id, "sim-02", NOW, NOW.plusSeconds(60), parent, type, version, metadata);
    }

    /** One simulated host with its handler. */
    private final class Side {

        final SimulatedHypervisor hypervisor;
        final HostDiscovery discovery;
        final CommandHandler handler;
        final Path root;

        Side(String hostId, long seed) {
            Path root = world.resolve(hostId);
            SimulatedHost.layOut(root, HostProfile.MIXED, seed);
            hypervisor = new SimulatedHypervisor(root);
            discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), hostId, hypervisor);
            handler = new CommandHandler(hostId, new HostState() {
                @Override
                public DiscoveredHost discover() {
                    return discovery.discover();
                }

                @Override
                public void changed() {}
            }, new SimulatedHostWriter(new SimulatedKernel(root)), Clock.fixed(NOW, ZoneOffset.UTC), hypervisor,
                    new SimulatedNvml(root));
            this.root = root;
        }

        DiscoveredHost discover() {
            return discovery.discover();
        }

        PhysicalGpu gpu(int index) {
            return discover().gpus().get(index);
        }
    }
}
