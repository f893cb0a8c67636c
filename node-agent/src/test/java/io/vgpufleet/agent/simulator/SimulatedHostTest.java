package io.vgpufleet.agent.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedHostTest {

    @Test
    void theSameSeedGivesTheSameHost(@TempDir Path one, @TempDir Path two) {
        assertThat(discover(SimulatedHost.layOut(one, HostProfile.MIXED, 42)))
                .isEqualTo(discover(SimulatedHost.layOut(two, HostProfile.MIXED, 42)));
    }

    @Test
    void anotherSeedGivesOtherAddressesAndUuids(@TempDir Path one, @TempDir Path two) {
        DiscoveredHost first = discover(SimulatedHost.layOut(one, HostProfile.T4, 1));
        DiscoveredHost second = discover(SimulatedHost.layOut(two, HostProfile.T4, 2));

        assertThat(first.gpus().get(0).uuid()).isNotEqualTo(second.gpus().get(0).uuid()).startsWith("GPU-");
    }

    @Test
    void anExistingHostIsReusedWithItsOwnProfile(@TempDir Path root) {
        SimulatedHost.layOut(root, HostProfile.P4, 5);

        SimulatedHost again = SimulatedHost.layOut(root, HostProfile.A100, 9);

        assertThat(again.profile()).isEqualTo(HostProfile.P4);
        assertThat(discover(again).gpus()).hasSize(2);
    }

    @Test
    void refusesToLayOutOverADirectoryThatIsNotASimulatedHost(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("precious"), "data");

        assertThatThrownBy(() -> SimulatedHost.layOut(root, HostProfile.P4, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not empty");
    }

    private static DiscoveredHost discover(SimulatedHost host) {
        return new HostDiscovery(new SysfsReader(host.root()), new SimulatedNvml(host.root()), "host-1").discover();
    }
}
