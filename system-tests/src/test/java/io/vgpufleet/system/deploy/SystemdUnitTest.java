package io.vgpufleet.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.sandbox.SandboxLayout;
import io.vgpufleet.system.observability.ExternalTool;
import io.vgpufleet.system.observability.OperatorFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node agent's systemd unit: systemd's own check passes, and the hardening the operator relies on is there. */
class SystemdUnitTest {

    private final Path unit = OperatorFiles.deploy().resolve("systemd/vgpu-node-agent.service");

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWord(@TempDir Path dir) throws Exception {
        ExternalTool analyze = ExternalTool.ifPresent("systemd-analyze", "systemd");
        String text = OperatorFiles.read(unit);
        if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
            // verify checks that ExecStart's binary exists: use this JVM's where a distribution puts java elsewhere
            text = text.replace("ExecStart=/usr/bin/java", "ExecStart=" + Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        Path copy = dir.resolve("vgpu-node-agent.service");
        Files.writeString(copy, text);

        ExternalTool.Result result = analyze.run(dir, 60, "verify", copy.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().lines().filter(line -> line.contains("vgpu-node-agent"))).as(result.output()).isEmpty();
    }

    @Test
    void theUnitRunsUnprivilegedWithOnlyTheSysfsWritesItNeeds() {
        List<String> lines = OperatorFiles.read(unit).lines().map(String::strip).toList();
        assertThat(lines).contains("User=vgpu-agent", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ProtectKernelTunables=yes", "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=CAP_DAC_OVERRIDE",
                "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
                "EnvironmentFile=/etc/vgpu-fleet/node-agent.env", "DevicePolicy=closed");
        assertThat(lines.stream().filter(line -> line.startsWith("ReadWritePaths="))).containsExactly(
                "ReadWritePaths=/sys/devices /etc/mdevctl.d");
        assertThat(lines).noneMatch(line -> line.startsWith("User=root") || line.contains("CAP_SYS_ADMIN"));
    }

    @Test
    void theEnvironmentFileSetsEveryOptionTheAgentNeeds() {
        String env = OperatorFiles.read(OperatorFiles.deploy().resolve("systemd/node-agent.env"));
        assertThat(env).contains("VGPU_AGENT_HOST_ID=", "VGPU_AGENT_BOOTSTRAP_SERVERS=", "VGPU_AGENT_HTTP_BIND=",
                "VGPU_AGENT_HTTP_PORT=", "JAVA_OPTS=");
    }

    @Test
    void theSandboxAndTheSystemTestsRunTheAgentWithTheUnitsJvmFlags() {
        String opts = OperatorFiles.read(OperatorFiles.deploy().resolve("systemd/node-agent.env")).lines()
                .filter(line -> line.startsWith("JAVA_OPTS=")).findFirst().orElseThrow()
                .substring("JAVA_OPTS=".length()).strip();
        assertThat(List.of(opts.split("\\s+"))).containsExactlyElementsOf(SandboxLayout.AGENT_JVM_OPTIONS);
    }
}
