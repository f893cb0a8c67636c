package io.vgpufleet.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vgpufleet.sandbox.process.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the repackaged sandbox jar as a user would, with fake services and agents ({@link FakeProgram})
 * in a fake repository, a real broker on a free port, and stops it with SIGTERM as Ctrl-C would.
 */
class SandboxLauncherIT {

    private static final Path SANDBOX_JAR = Path.of("target", "sandbox-0.1.0-SNAPSHOT-exec.jar");
    private static final List<String> MODULES =
            List.of("inventory-service", "lifecycle-service", "health-service", "migration-service", "node-agent");

    @TempDir
    Path dir;

    private Process launcher;
    private Path launcherLog;

    @AfterEach
    void stopLauncher() throws InterruptedException {
        if (launcher != null && launcher.isAlive()) {
            launcher.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsBrokerServicesAndHostsReportsACrashedHostAndStopsEverythingCleanlyOnSigterm() throws Exception {
        assumeTrue(Files.isRegularFile(SANDBOX_JAR), "run after `package`: " + SANDBOX_JAR.toAbsolutePath());
        for (int port : List.of(8081, 8082, 8083, 8084, 9101, 9102)) {
            assumeTrue(Ports.isFree("127.0.0.1", port), "the sandbox's fixed port " + port + " is taken here");
        }
        Path repo = fakeRepository();
        launcherLog = dir.resolve("launcher.log");
        int kafkaPort = Ports.anyFree();
        assumeTrue(Ports.isFree("127.0.0.1", kafkaPort + 1), "controller port " + (kafkaPort + 1) + " is taken");

        launcher = new ProcessBuilder(Sandbox.javaBinary(), "-jar", SANDBOX_JAR.toAbsolutePath().toString(),
                        "--repo=" + repo, "--data-dir=" + dir.resolve("data"), "--kafka-port=" + kafkaPort,
                        "--hosts=2")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                // a file, not a pipe: the JDK may close a pipe under its reader when the process exits
                .redirectOutput(launcherLog.toFile())
                .start();

        await().atMost(Duration.ofSeconds(180)).until(
                () -> output().contains("sandbox: running; stop with Ctrl-C") || !launcher.isAlive());
        String started = output();
        assertThat(started).contains(
                "sandbox: Kafka up",
                "127.0.0.1:" + kafkaPort,
                "http://127.0.0.1:8081/actuator/health",
                "http://127.0.0.1:9101/healthz",
                "node-agent-sim-02 exited unexpectedly with code 7",
                "node-agent-sim-02 did not come up: its process ended",
                "fake agent failing on purpose",
                "5 of 6 up",
                "sandbox: running; stop with Ctrl-C");
        assertThat(dir.resolve("data/logs/inventory-service.log")).content().contains("fake program listening on 8081");
        assertThat(dir.resolve("data/kafka/meta.properties")).exists();

        launcher.destroy(); // SIGTERM, as Ctrl-C's SIGINT runs the same shutdown hook
        assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(output()).contains("sandbox: stopping ...", "sandbox: stopped cleanly");
        for (int port : List.of(8081, 8084, 9101, kafkaPort)) {
            assertThat(Ports.isFree("127.0.0.1", port)).as("port %d released", port).isTrue();
        }
    }

    /** A repository whose five jars start {@link FakeProgram} from this module's test classes. */
    private Path fakeRepository() throws Exception {
        Path testClasses = Path.of(FakeProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path repo = dir.resolve("repo");
        for (String module : MODULES) {
            Path jar = repo.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
            Files.createDirectories(jar.getParent());
            Manifest manifest = new Manifest();
            Attributes attributes = manifest.getMainAttributes();
            attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            attributes.put(Attributes.Name.MAIN_CLASS, FakeProgram.class.getName());
            attributes.put(Attributes.Name.CLASS_PATH, testClasses.toUri().toString());
            try (OutputStream file = Files.newOutputStream(jar)) {
                new JarOutputStream(file, manifest).finish(); // the manifest is the whole jar
            }
        }
        return repo;
    }

    private String output() throws IOException {
        return Files.readString(launcherLog, StandardCharsets.UTF_8);
    }
}
