package io.vgpufleet.agent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The self-check's reading of {@code nvidia-smi -q -x}, on the XML of the H100 it ran on (driver 580). */
class SelfCheckTest {

    private static Map<String, Element> fixture() throws Exception {
        try (InputStream in = SelfCheckTest.class.getResourceAsStream("nvidia-smi-h100-passthrough.xml")) {
            return SelfCheck.parseSmi(in.readAllBytes());
        }
    }

    @Test
    void gpusAreKeyedBySysfsAddressWithoutFetchingTheDtd() throws Exception {
        Map<String, Element> gpus = fixture();
        assertThat(gpus).containsOnlyKeys("0000:00:06.0");
        Element gpu = gpus.get("0000:00:06.0");
        assertThat(SelfCheck.smiText(gpu, "uuid")).isEqualTo("GPU-90f74034-fcb5-594f-0ed5-0f57c8c32964");
        assertThat(SelfCheck.smiText(gpu, "fb_memory_usage/total")).isEqualTo("81559 MiB");
        assertThat(SelfCheck.smiText(gpu, "gpu_virtualization_mode/virtualization_mode")).isEqualTo("Pass-Through");
        assertThat(SelfCheck.smiText(gpu, "no/such")).isEqualTo("(absent)");
    }

    @Test
    void eccCountersSumTheSramAndDramCountersNvmlTotals() throws Exception {
        Element gpu = fixture().get("0000:00:06.0");
        assertThat(SelfCheck.eccSum(gpu, "volatile", true)).isEqualTo("0");
        assertThat(SelfCheck.eccSum(gpu, "aggregate", false)).isEqualTo("0");
        assertThat(SelfCheck.smiText(gpu, "retired_pages/multiple_single_bit_retirement/retired_count"))
                .isEqualTo("N/A");
    }

    @Test
    void valuesCompareAcrossTheTwoSpellings() {
        assertThat(SelfCheck.same("PASSTHROUGH", "Pass-Through")).isTrue();
        assertThat(SelfCheck.same("HOST_VGPU", "Host VGPU")).isTrue();
        assertThat(SelfCheck.same("not supported", "N/A")).isTrue();
        assertThat(SelfCheck.same("2560", "2560 bank(s)")).isTrue();
        assertThat(SelfCheck.same("81559 MiB", "81559 MiB")).isTrue();
        assertThat(SelfCheck.same("Enabled", "Enabled")).isTrue();
        assertThat(SelfCheck.same("No", "Disabled")).isTrue();
        assertThat(SelfCheck.same("0", "N/A")).isFalse();
        assertThat(SelfCheck.same("1", "2")).isFalse();
    }
}
