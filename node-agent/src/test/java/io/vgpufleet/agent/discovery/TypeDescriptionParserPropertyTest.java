package io.vgpufleet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.testing.HostileStrings;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the description parser over seeded random inputs; a failure names the input. */
class TypeDescriptionParserPropertyTest {

    @Test
    void anyStringGivesADescriptionOrAClearReason() {
        for (String text : HostileStrings.sample(7L, 2_000, "num heads=", "framebuffer=", "max instance=", "=", ",", " ",
                "8192M", "1", "-1", "99999999999", "x", "max resolution=", "\u0000", "G", "M", "\n")) {
            try {
                TypeDescription description = TypeDescriptionParser.parse(text);
                assertThat(description.maxInstances()).as("max instances of %s", text).isNotNegative();
                assertThat(description.framebufferMib()).as("framebuffer of %s", text).isNotNegative();
            } catch (SysfsException e) {
                assertThat(e.getMessage()).as("reason for %s", text).isNotBlank().doesNotContain("\n");
            }
        }
    }

    @Test
    void wellFormedDescriptionsReadBackInBothStyles() throws SysfsException {
        Random random = new Random(11L);
        for (int i = 0; i < 500; i++) {
            int heads = random.nextInt(9);
            int frl = random.nextInt(121);
            int framebuffer = 1 + random.nextInt(98_304);
            int instances = 1 + random.nextInt(64);
            String text = "num heads=" + heads + ", frl config=" + frl + ", framebuffer=" + framebuffer
                    + "M, max resolution=1280x1024, max instance=" + instances;
            if (random.nextBoolean()) {
                text = text.replace("num heads", "num_heads").replace("frl config", "frl_config")
                        .replace("max resolution", "max_resolution").replace("max instance", "max_instance");
            }

            assertThat(TypeDescriptionParser.parse(text)).as(text)
                    .isEqualTo(new TypeDescription(heads, frl, framebuffer, "1280x1024", instances));
        }
    }
}
