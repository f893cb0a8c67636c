package io.vgpufleet.agent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.vgpufleet.agent.nvml.NoNvml;
import io.vgpufleet.agent.nvml.NvmlLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Without {@code libnvidia-ml.so.1} (this project's build machines) the agent falls back and says why. */
class NvmlLoaderTest {

    private static boolean nvmlInstalled() {
        return Stream.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64")
                .anyMatch(dir -> Files.exists(Path.of(dir, NvmlLibrary.SONAME)));
    }

    @Test
    void withoutTheLibraryTheLoaderFallsBackToNoNvmlAndNamesTheReturnCode() {
        assumeFalse(nvmlInstalled(), "this machine has NVML");
        NvmlLoader.Loaded loaded = NvmlLoader.load();
        assertThat(loaded.port()).isInstanceOf(NoNvml.class);
        assertThat(loaded.unavailableReason()).startsWith("NVML_ERROR_LIBRARY_NOT_FOUND");
        assertThat(NvmlLoader.loadOrFallback()).isInstanceOf(NoNvml.class);
    }

    @Test
    void openingWithoutTheLibrarySaysLibraryNotFound() {
        assumeFalse(nvmlInstalled(), "this machine has NVML");
        try {
            JnaNvml.open().close();
            throw new AssertionError("NVML opened without the library");
        } catch (NvmlUnavailableException e) {
            assertThat(e.reason()).isEqualTo("NVML_ERROR_LIBRARY_NOT_FOUND");
        }
    }
}
