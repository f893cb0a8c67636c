package io.vgpufleet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.nvml.NoNvml;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VgpuManagerProbeTest {

    @TempDir
    Path root;

    @Test
    void eccOnWithADriverBeforeR430IsTheDriversOwnProblem() {
        VgpuManagerStatus status = VgpuManagerProbe.status(true, Optional.of("418.70"), EccMode.ON);

        assertThat(status.running()).isTrue();
        assertThat(status.driverVersion()).isEqualTo("418.70");
        assertThat(status.problems()).containsExactly("vGPU not supported with ECC Enabled");
    }

    @Test
    void eccOnFromR430OnOrEccOffOrUnknownOrNoVersionIsNoProblem() {
        assertThat(VgpuManagerProbe.status(true, Optional.of("430.27"), EccMode.ON).problems()).isEmpty();
        assertThat(VgpuManagerProbe.status(true, Optional.of("550.90.05"), EccMode.ON).problems()).isEmpty();
        assertThat(VgpuManagerProbe.status(true, Optional.of("418.70"), EccMode.OFF).problems()).isEmpty();
        assertThat(VgpuManagerProbe.status(true, Optional.of("418.70"), EccMode.UNKNOWN).problems()).isEmpty();
        assertThat(VgpuManagerProbe.status(true, Optional.empty(), EccMode.ON).problems()).isEmpty();
        assertThat(VgpuManagerProbe.status(true, Optional.of("garbage"), EccMode.ON).problems()).isEmpty();
    }

    @Test
    void aManagerThatDoesNotRunIsAProblemToo() {
        VgpuManagerStatus status = VgpuManagerProbe.status(false, Optional.of("418.70 \n"), EccMode.ON);

        assertThat(status.running()).isFalse();
        assertThat(status.driverVersion()).isEqualTo("418.70");
        assertThat(status.problems()).containsExactly("nvidia-vgpu-mgr is not running",
                "vGPU not supported with ECC Enabled");
    }

    @Test
    void anyGpuWithEccOnCounts() {
        assertThat(VgpuManagerProbe.anyGpuEcc(List.of(EccMode.OFF, EccMode.ON, EccMode.UNKNOWN))).isEqualTo(EccMode.ON);
        assertThat(VgpuManagerProbe.anyGpuEcc(List.of(EccMode.UNKNOWN, EccMode.OFF))).isEqualTo(EccMode.OFF);
        assertThat(VgpuManagerProbe.anyGpuEcc(List.of())).isEqualTo(EccMode.UNKNOWN);
    }

    @Test
    void majorVersionIsTheLeadingNumber() {
        assertThat(VgpuManagerProbe.majorVersion("535.183.04")).contains(535);
        assertThat(VgpuManagerProbe.majorVersion("418")).contains(418);
        assertThat(VgpuManagerProbe.majorVersion("v418")).isEmpty();
    }

    @Test
    void findsTheManagerByItsCommInANumericDirectoryOnly() throws IOException {
        write(root.resolve("1/comm"), "systemd\n");
        write(root.resolve("self/comm"), "nvidia-vgpu-mgr\n");
        write(root.resolve("42/comm"), "nvidia-vgpu-mgr-helper\n");
        assertThat(VgpuManagerProbe.processRunning(root)).isFalse();

        write(root.resolve("4711/comm"), "nvidia-vgpu-mgr\n");
        assertThat(VgpuManagerProbe.processRunning(root)).isTrue();
    }

    @Test
    void unreadableEntriesOrAMissingRootMeanNotRunningNeverAnException() throws IOException {
        Files.createDirectories(root.resolve("7"));                 // no comm: a process that just exited
        Files.createDirectories(root.resolve("8/comm"));            // comm that is a directory
        Files.write(root.resolve("9"), new byte[] {1});             // a plain file named like a pid
        assertThat(VgpuManagerProbe.processRunning(root)).isFalse();
        assertThat(VgpuManagerProbe.processRunning(root.resolve("absent"))).isFalse();
        assertThat(VgpuManagerProbe.processRunning(root.resolve("9"))).isFalse();
    }

    @Test
    void discoveryReportsTheSimulatedManagerRunningWithItsDriverVersion() throws IOException {
        SimulatedHost host = SimulatedHost.layOut(root, HostProfile.P4, 3);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), "host-1", null,
                () -> VgpuManagerProbe.processRunning(host.procRoot()));

        VgpuManagerStatus running = discovery.discover().vgpuManager();
        assertThat(running.running()).isTrue();
        assertThat(running.driverVersion()).isEqualTo("550.90.05");
        assertThat(running.problems()).isEmpty();

        try (var pids = Files.list(host.procRoot())) {
            for (Path pid : pids.toList()) {
                Files.delete(pid.resolve("comm"));
                Files.delete(pid);
            }
        }
        VgpuManagerStatus stopped = discovery.discover().vgpuManager();
        assertThat(stopped.running()).isFalse();
        assertThat(stopped.problems()).containsExactly("nvidia-vgpu-mgr is not running");
    }

    @Test
    void discoveryKeepsTheModuleAndStandingProblemLinesBesideTheManagersOwn() {
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root.resolve("absent")), new NoNvml(), "host-1", null,
                () -> {
                    throw new IllegalStateException("probe broke");
                });
        discovery.reportStanding(List.of("mdevctl drift: active mdev x has no definition"));

        VgpuManagerStatus status = discovery.discover().vgpuManager();

        assertThat(status.running()).isFalse();
        assertThat(status.problems()).containsExactly("nvidia-vgpu-mgr is not running",
                "nvidia_vgpu_vfio module is not loaded", "mdevctl drift: active mdev x has no definition");
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
