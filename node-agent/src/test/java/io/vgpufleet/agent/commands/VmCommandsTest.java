package io.vgpufleet.agent.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.hypervisor.SimulatedHypervisor;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedHostWriter;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.ResumeVm;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VmRunState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SuspendVm and ResumeVm on a simulated host: the hypervisor pauses the VM and the snapshot says so. */
class VmCommandsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final String VGPU = "a1b2c3d4-0000-4000-8000-0000000000aa";

    @TempDir
    Path root;

    @Test
    void suspendPausesTheVmAndResumeLetsItRunAsTheSnapshotReports() throws Exception {
        SimulatedHost.layOut(root, HostProfile.P4, 1);
        SimulatedHypervisor hypervisor = new SimulatedHypervisor(root);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), "sim-01", hypervisor);
        CommandHandler handler = handler(discovery, hypervisor, root);
        handler.handle(new CreateVgpu("c-1", "sim-01", NOW, NOW.plusSeconds(60), discovery.discover().gpus().get(0).pciBdf(),
                "nvidia-289", VGPU, Map.of()));
        hypervisor.run("vm-7", List.of(VGPU));
        assertThat(discovery.discover().vgpus()).extracting(Vgpu::vmState).containsExactly(VmRunState.RUNNING);

        assertThat(handler.handle(new SuspendVm("s-1", "sim-01", NOW, NOW.plusSeconds(60), "vm-7")))
                .isInstanceOfSatisfying(CommandSucceeded.class, ok -> assertThat(ok.result()).containsEntry("vmState", "PAUSED"));
        assertThat(discovery.discover().vgpus()).extracting(Vgpu::vmId, Vgpu::vmState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vm-7", VmRunState.PAUSED));

        assertThat(handler.handle(new ResumeVm("r-1", "sim-01", NOW, NOW.plusSeconds(60), "vm-7")))
                .isInstanceOf(CommandSucceeded.class);
        assertThat(discovery.discover().vgpus()).extracting(Vgpu::vmState).containsExactly(VmRunState.RUNNING);
    }

    @Test
    void suspendingAVmThatDoesNotRunFailsWithTheHypervisorsWords() {
        SimulatedHost.layOut(root, HostProfile.P4, 1);
        SimulatedHypervisor hypervisor = new SimulatedHypervisor(root);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), "sim-01", hypervisor);

        assertThat(handler(discovery, hypervisor, root).handle(new SuspendVm("s-1", "sim-01", NOW, NOW.plusSeconds(60), "vm-9")))
                .isInstanceOfSatisfying(CommandFailed.class, failed -> {
                    assertThat(failed.errorCode()).isEqualTo(CommandHandler.HYPERVISOR_ERROR);
                    assertThat(failed.message()).contains("no VM vm-9");
                });
    }

    @Test
    void anAgentWithoutAHypervisorRejectsVmCommandsAndAnExpiredOneIsRejected() {
        SimulatedHost.layOut(root, HostProfile.P4, 1);
        SimulatedHypervisor hypervisor = new SimulatedHypervisor(root);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), "sim-01", null);
        CommandHandler bare = new CommandHandler("sim-01", state(discovery), new SimulatedHostWriter(new SimulatedKernel(root)),
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(bare.handle(new ResumeVm("r-1", "sim-01", NOW, NOW.plusSeconds(60), "vm-7")))
                .isInstanceOfSatisfying(CommandRejected.class, rejected ->
                        assertThat(rejected.reasons()).anyMatch(reason -> reason.contains("no hypervisor port")));
        assertThat(handler(discovery, hypervisor, root).handle(new SuspendVm("s-2", "sim-01", NOW.minusSeconds(120),
                NOW.minusSeconds(60), "vm-7"))).isInstanceOf(CommandRejected.class);
    }

    private static CommandHandler handler(HostDiscovery discovery, SimulatedHypervisor hypervisor, Path root) {
        return new CommandHandler("sim-01", state(discovery), new SimulatedHostWriter(new SimulatedKernel(root)),
                Clock.fixed(NOW, ZoneOffset.UTC), hypervisor);
    }

    private static HostState state(HostDiscovery discovery) {
        return new HostState() {
            @Override
            public DiscoveredHost discover() {
                return discovery.discover();
            }

            @Override
            public void changed() {}
        };
    }
}
