package io.vgpufleet.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.agent.simulator.InMemoryTrees;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetMainTest {

    private final Map<String, String> options = new HashMap<>(Map.of("fleet", "3", "bootstrap-servers", "127.0.0.1:9092"));

    @Test
    void theFleetsTreeIsInMemoryUnlessDiskIsAskedFor() throws IOException {
        assertThat(FleetMain.tree(options)).isEqualTo(FleetMain.Tree.MEMORY);
        try (FileSystem memory = InMemoryTrees.newFleetTree()) {
            Path root = FleetMain.settings(options, memory).root();

            assertThat(root.getFileSystem()).isSameAs(memory);
            assertThat(root.toString()).isEqualTo("/");
        }
    }

    @Test
    void aDiskTreeLiesUnderTheSysfsRootItNames(@TempDir Path disk) {
        options.put("fleet-tree", "disk");
        options.put("sysfs-root", disk.toString());

        Path root = FleetMain.settings(options, null).root();

        assertThat(root.getFileSystem()).isSameAs(FileSystems.getDefault());
        assertThat(root).isEqualTo(disk.toAbsolutePath());
    }

    @Test
    void refusesASysfsRootForTheMemoryTreeNoneForDiskAndAnyOtherTree() throws IOException {
        try (FileSystem memory = InMemoryTrees.newFleetTree()) {
            options.put("sysfs-root", "/tmp/fleet");
            assertThatThrownBy(() -> FleetMain.settings(options, memory)).hasMessageContaining("--sysfs-root is for");
            options.remove("sysfs-root");
            options.put("fleet-tree", "disk");
            assertThatThrownBy(() -> FleetMain.settings(options, null)).hasMessageContaining("--sysfs-root is required");
            options.put("fleet-tree", "tmpfs\u001b[2J");
            assertThatThrownBy(() -> FleetMain.tree(options)).hasMessageContaining("memory or disk")
                    .hasMessageNotContaining("\u001b");
        }
    }
}
