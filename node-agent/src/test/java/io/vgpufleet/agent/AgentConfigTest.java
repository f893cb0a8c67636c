package io.vgpufleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.agent.simulator.HostProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void readsTheLaunchersCommandLine() throws AgentConfig.UsageException {
        AgentConfig config = AgentConfig.parse(List.of("--host-id=sim-01", "--bootstrap-servers=127.0.0.1:9092",
                "--http-port=9101", "--sysfs-root=/tmp/sim-01", "--simulate=h100", "--seed=7", "--heartbeat=PT5S"), Map.of());

        assertThat(config).isEqualTo(new AgentConfig("sim-01", "127.0.0.1:9092", "127.0.0.1", 9101,
                Path.of("/tmp/sim-01"), HostProfile.H100, 7, Duration.ofSeconds(5)));
        assertThat(config.eventSource()).isEqualTo("urn:vgpu:agent:sim-01");
    }

    @Test
    void takesTheEnvironmentWhereNoOptionIsGivenAndDefaultsTheRest() throws AgentConfig.UsageException {
        AgentConfig config = AgentConfig.parse(List.of("--host-id=sim-02"),
                Map.of("VGPU_AGENT_HOST_ID", "ignored", "VGPU_AGENT_BOOTSTRAP_SERVERS", "kafka:9092"));

        assertThat(config.hostId()).isEqualTo("sim-02");
        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.httpPort()).isEqualTo(9100);
        assertThat(config.sysfsRoot()).isEqualTo(Path.of("/sys"));
        assertThat(config.simulated()).isFalse();
        assertThat(config.heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.healthPoll()).as("health counters polled apart from discovery's second")
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void procRootDefaultsToProcAndComesFromTheOptionOrTheEnvironment() throws AgentConfig.UsageException {
        List<String> required = List.of("--host-id=h1", "--bootstrap-servers=k:9092");
        assertThat(AgentConfig.parse(required, Map.of()).procRoot()).isEqualTo(Path.of("/proc"));
        assertThat(AgentConfig.parse(required, Map.of("VGPU_AGENT_PROC_ROOT", "/host/proc")).procRoot())
                .isEqualTo(Path.of("/host/proc"));
        List<String> withOption = new java.util.ArrayList<>(required);
        withOption.add("--proc-root=/mnt/proc");
        assertThat(AgentConfig.parse(withOption, Map.of("VGPU_AGENT_PROC_ROOT", "/host/proc")).procRoot())
                .isEqualTo(Path.of("/mnt/proc"));
    }

    @Test
    void refusesUnknownMissingAndMalformedOptionsByName() {
        assertRefused(List.of("--host-id=a", "--bootstrap-servers=b", "--colour=blue"), "unknown option --colour");
        assertRefused(List.of("--host-id=a"), "option --bootstrap-servers is required");
        assertRefused(List.of("--host-id=a", "--bootstrap-servers=b", "--http-port=http"), "--http-port must be a number");
        assertRefused(List.of("--host-id=A/../b", "--bootstrap-servers=b"), "--host-id must be a host id");
        assertRefused(List.of("--host-id=a", "--bootstrap-servers=b", "--simulate=v100", "--sysfs-root=/tmp/x"),
                "--simulate must be one of [p4, t4, a100, h100, a100x8, mixed]");
        assertRefused(List.of("--host-id=a", "--bootstrap-servers=b", "--simulate=p4"), "never /sys");
        assertRefused(List.of("--host-id=a", "--bootstrap-servers=b", "--heartbeat=10s"), "ISO-8601");
        assertRefused(List.of("--host-id=a", "--host-id=b", "--bootstrap-servers=b"), "given twice");
        assertRefused(List.of("sim-01"), "unexpected argument");
    }

    private static void assertRefused(List<String> args, String message) {
        assertThatThrownBy(() -> AgentConfig.parse(args, Map.of()))
                .isInstanceOf(AgentConfig.UsageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theStateDirectoryIsSystemdsWhereItSaysOne() {
        assertThat(NodeAgent.realStateDir("/var/lib/vgpu-agent")).isEqualTo(Path.of("/var/lib/vgpu-agent"));
        assertThat(NodeAgent.realStateDir("/srv/state:/var/lib/other")).isEqualTo(Path.of("/srv/state"));
        assertThat(NodeAgent.realStateDir(null)).isEqualTo(Path.of(NodeAgent.STATE_DIR));
        assertThat(NodeAgent.realStateDir("relative/dir")).isEqualTo(Path.of(NodeAgent.STATE_DIR));
    }
}
