package io.vgpufleet.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks that keep the sandbox from starting anything; no broker is started here. */
class SandboxTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int start(String... args) throws InterruptedException {
        SandboxLayout layout = SandboxLayout.of(SandboxOptions.parse(List.of(args)), dir);
        return new Sandbox(layout, dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).start();
    }

    @Test
    void missingJarsAreNamedWithHowToBuildThemAndNothingStarts() throws Exception {
        int code = start("--hosts=2");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
                "inventory-service/target/inventory-service-0.1.0-SNAPSHOT.jar does not exist (needed by inventory-service)",
                "node-agent/target/node-agent-0.1.0-SNAPSHOT.jar does not exist (needed by node-agent-sim-01, node-agent-sim-02)",
                "./sandbox.sh", "mvn -B -DskipTests package",
                "-pl inventory-service,lifecycle-service,health-service,migration-service,node-agent -am",
                "--no-services");
        assertThat(dir.resolve(".sandbox")).doesNotExist();
    }

    @Test
    void aKafkaPortInUseIsNamedAndNothingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = start("--no-services", "--kafka-port=" + taken.getLocalPort());

            assertThat(code).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("port " + taken.getLocalPort() + " on 127.0.0.1 (Kafka broker) is already in use");
            assertThat(dir.resolve(".sandbox")).doesNotExist();
        }
    }

    @Test
    void theJavaOfChildrenIsTheLaunchersOwn() {
        assertThat(Path.of(Sandbox.javaBinary())).exists();
    }
}
