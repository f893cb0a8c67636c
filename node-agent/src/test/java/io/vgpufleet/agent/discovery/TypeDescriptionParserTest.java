package io.vgpufleet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TypeDescriptionParserTest {

    @Test
    void readsTheSpacedFormOfTheTesla4Type289() throws SysfsException {
        TypeDescription description = TypeDescriptionParser.parse(
                "num heads=1, frl config=60, framebuffer=8192M, max resolution=4096x2160, max instance=1\n");

        assertThat(description).isEqualTo(new TypeDescription(1, 60, 8192, "4096x2160", 1));
    }

    @Test
    void readsTheUnderscoredForm() throws SysfsException {
        TypeDescription description = TypeDescriptionParser.parse(
                "num_heads=4, frl_config=60, framebuffer=1024M, max_resolution=5120x2880, max_instance=16");

        assertThat(description).isEqualTo(new TypeDescription(4, 60, 1024, "5120x2880", 16));
    }

    @Test
    void ignoresKeysANewerDriverAddsAndDefaultsTheOptionalOnes() throws SysfsException {
        TypeDescription description = TypeDescriptionParser.parse("framebuffer=2G, max instance=4, gpu instance size=1");

        assertThat(description).isEqualTo(new TypeDescription(0, 0, 2048, "", 4));
    }

    @Test
    void refusesTheSlidesOcrTypoInMaxInstance() {
        assertThatThrownBy(() -> TypeDescriptionParser.parse(
                        "num heads=1, frl config=60, framebuffer=8192M, max resolution=4096x2160, max instance=l"))
                .isInstanceOf(SysfsException.class)
                .hasMessage("max instance must be a number, was 'l'");
    }

    @Test
    void namesTheMissingField() {
        assertThatThrownBy(() -> TypeDescriptionParser.parse("num heads=1, max instance=1"))
                .isInstanceOf(SysfsException.class)
                .hasMessage("description has no 'framebuffer'");
    }

    @Test
    void echoesHostileContentWithoutControlCharacters() {
        assertThatThrownBy(() -> TypeDescriptionParser.parse("framebuffer=1M\u001b[2J, max instance=1"))
                .isInstanceOf(SysfsException.class)
                .hasMessageNotContaining("\u001b");
    }

    @Test
    void refusesRepeatedKeysWhateverTheirSpelling() {
        assertThatThrownBy(() -> TypeDescriptionParser.parse("framebuffer=1M, max instance=1, max_instance=2"))
                .isInstanceOf(SysfsException.class)
                .hasMessage("description names 'max_instance' twice");
    }
}
