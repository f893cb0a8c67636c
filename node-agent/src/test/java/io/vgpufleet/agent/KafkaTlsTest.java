package io.vgpufleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaTlsTest {

    private static final List<String> REQUIRED = List.of("--host-id=kvm-01", "--bootstrap-servers=kafka:9093");

    @TempDir
    Path dir;

    @Test
    void allFourOptionsGiveMutualTlsWithPasswordsReadFromFiles() throws Exception {
        Files.writeString(dir.resolve("trust.pass"), "s3cret-trust\n");
        Files.writeString(dir.resolve("key.pass"), "s3cret-key");
        Files.writeString(dir.resolve("ca.p12"), "not checked here");
        Files.writeString(dir.resolve("agent.p12"), "not checked here");

        AgentConfig config = AgentConfig.parse(withTls("ca.p12", "trust.pass", "agent.p12", "key.pass"), Map.of());

        assertThat(config.kafkaSecurity())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", dir.resolve("ca.p12").toString())
                .containsEntry("ssl.truststore.password", "s3cret-trust")
                .containsEntry("ssl.keystore.location", dir.resolve("agent.p12").toString())
                .containsEntry("ssl.keystore.password", "s3cret-key")
                .containsEntry("ssl.keystore.type", "PKCS12");
        assertThat(config.kafkaTls()).hasToString("KafkaTls[truststore=" + dir.resolve("ca.p12") + ", keystore="
                + dir.resolve("agent.p12") + "]");
    }

    @Test
    void noOptionIsPlaintextAndSomeOfThemIsRefused() throws Exception {
        assertThat(AgentConfig.parse(REQUIRED, Map.of()).kafkaSecurity()).isEmpty();
        List<String> half = new ArrayList<>(REQUIRED);
        half.add("--kafka-truststore=/etc/vgpu/ca.p12");
        assertThatThrownBy(() -> AgentConfig.parse(half, Map.of()))
                .isInstanceOf(AgentConfig.UsageException.class).hasMessageContaining("give all four for TLS, or none");
    }

    @Test
    void provisioningIsOnUnlessSwitchedOff() throws Exception {
        assertThat(AgentConfig.parse(REQUIRED, Map.of()).provisionTopics()).isTrue();
        List<String> off = new ArrayList<>(REQUIRED);
        off.add("--provision-topics=false");
        assertThat(AgentConfig.parse(off, Map.of()).provisionTopics()).isFalse();
        List<String> bad = new ArrayList<>(REQUIRED);
        bad.add("--provision-topics=no");
        assertThatThrownBy(() -> AgentConfig.parse(bad, Map.of()))
                .isInstanceOf(AgentConfig.UsageException.class).hasMessageContaining("--provision-topics must be true or false");
    }

    @Test
    void theEnvironmentMayGiveThemToo() throws Exception {
        AgentConfig config = AgentConfig.parse(REQUIRED, Map.of(
                "VGPU_AGENT_KAFKA_TRUSTSTORE", "/etc/vgpu/ca.p12",
                "VGPU_AGENT_KAFKA_TRUSTSTORE_PASSWORD_FILE", "/etc/vgpu/ca.pass",
                "VGPU_AGENT_KAFKA_KEYSTORE", "/etc/vgpu/agent.p12",
                "VGPU_AGENT_KAFKA_KEYSTORE_PASSWORD_FILE", "/etc/vgpu/agent.pass"));

        assertThat(config.kafkaTls()).isEqualTo(new KafkaTls(Path.of("/etc/vgpu/ca.p12"), Path.of("/etc/vgpu/ca.pass"),
                Path.of("/etc/vgpu/agent.p12"), Path.of("/etc/vgpu/agent.pass")));
    }

    @Test
    void aMissingStoreOrAnEmptyPasswordFileStopsTheAgentNamingTheOption() throws Exception {
        Files.writeString(dir.resolve("empty.pass"), "\n");
        Files.writeString(dir.resolve("ca.p12"), "x");
        Files.writeString(dir.resolve("agent.p12"), "x");

        assertThatIllegalStateException()
                .isThrownBy(() -> AgentConfig.parse(withTls("missing.p12", "empty.pass", "agent.p12", "empty.pass"),
                        Map.of()).kafkaSecurity())
                .withMessageStartingWith("--kafka-truststore ");
        assertThatIllegalStateException()
                .isThrownBy(() -> AgentConfig.parse(withTls("ca.p12", "empty.pass", "agent.p12", "empty.pass"),
                        Map.of()).kafkaSecurity())
                .withMessageContaining("--kafka-truststore-password-file").withMessageEndingWith("is empty");
    }

    private List<String> withTls(String truststore, String truststorePassword, String keystore, String keystorePassword) {
        List<String> args = new ArrayList<>(REQUIRED);
        args.add("--kafka-truststore=" + dir.resolve(truststore));
        args.add("--kafka-truststore-password-file=" + dir.resolve(truststorePassword));
        args.add("--kafka-keystore=" + dir.resolve(keystore));
        args.add("--kafka-keystore-password-file=" + dir.resolve(keystorePassword));
        return args;
    }
}
