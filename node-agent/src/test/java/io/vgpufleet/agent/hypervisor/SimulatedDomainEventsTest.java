package io.vgpufleet.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two simulated hosts side by side: a VM migrated from one to the other is an event on the target. */
class SimulatedDomainEventsTest {

    private static final String SOURCE_VGPU = "a1b2c3d4-0000-4000-8000-000000000001";
    private static final String TARGET_VGPU = "a1b2c3d4-0000-4000-8000-000000000002";

    @TempDir
    Path world;

    @Test
    void aVmThatAnotherHostsAgentMigratesHereIsAnEventOnThisHost() throws Exception {
        Path sourceRoot = world.resolve("sim-01");
        Path targetRoot = world.resolve("sim-02");
        Files.createDirectories(sourceRoot.resolve("simulator"));
        Files.createDirectories(targetRoot.resolve("simulator"));
        SimulatedHypervisor source = new SimulatedHypervisor(sourceRoot);
        source.run("vm-1", List.of(SOURCE_VGPU));
        AtomicInteger changes = new AtomicInteger();

        SimulatedDomainEvents events = SimulatedDomainEvents.start(targetRoot, changes::incrementAndGet);
        try {
            assertThat(changes).hasValue(0);
            source.migrateLive("vm-1", "sim-02", SOURCE_VGPU, TARGET_VGPU);

            await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() > 0);
        } finally {
            events.close();
        }
        assertThat(new SimulatedHypervisor(targetRoot).domains()).singleElement()
                .satisfies(domain -> assertThat(domain.mdevUuids()).containsExactly(TARGET_VGPU));
    }
}
