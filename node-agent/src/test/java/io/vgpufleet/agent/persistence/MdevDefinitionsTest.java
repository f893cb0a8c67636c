package io.vgpufleet.agent.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MdevDefinitionsTest {

    private static final String PARENT = "0000:3b:00.0";
    private static final String UUID = "11111111-2222-3333-4444-555555555555";

    @TempDir
    Path root;

    @Test
    void aDefinitionIsWrittenInMdevctlsFormatAndReadBack() throws IOException {
        MdevDefinitions definitions = new MdevDefinitions(root);

        definitions.define(new MdevDefinition(PARENT, UUID, "nvidia-289", true));

        Path file = root.resolve("etc/mdevctl.d").resolve(PARENT).resolve(UUID);
        assertThat(Files.readString(file)).isEqualTo("{\"mdev_type\":\"nvidia-289\",\"start\":\"auto\",\"attrs\":[]}");
        List<String> problems = new ArrayList<>();
        assertThat(definitions.all(problems)).containsExactly(new MdevDefinition(PARENT, UUID, "nvidia-289", true));
        assertThat(problems).isEmpty();
    }

    @Test
    void undefineRemovesTheFileAndHostileNamesAreProblemsNotPaths() throws IOException {
        MdevDefinitions definitions = new MdevDefinitions(root);
        definitions.define(new MdevDefinition(PARENT, UUID, "nvidia-289", true));
        Files.writeString(root.resolve("etc/mdevctl.d").resolve(PARENT).resolve("not-a-uuid"), "{}");
        Files.writeString(root.resolve("etc/mdevctl.d").resolve(PARENT).resolve("22222222-2222-3333-4444-555555555555"),
                "{\"mdev_type\":\"../../x\",\"start\":\"auto\"}");

        assertThat(definitions.undefine("../" + UUID)).isFalse();
        assertThat(definitions.undefine(UUID)).isTrue();

        List<String> problems = new ArrayList<>();
        assertThat(definitions.all(problems)).isEmpty();
        assertThat(problems).hasSize(2);
    }
}
