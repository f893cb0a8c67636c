package io.vgpufleet.migration;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node agent on a simulated host, run as a child process from the jar the reactor built ({@code
 * node-agent/target/node-agent-0.1.0-SNAPSHOT.jar}; the node-agent module builds before this one): its tree
 * lies in {@code world/<hostId>}, beside the others, so simulated live migrations between them work.
 */
final class SimulatedAgent implements AutoCloseable {

    private static final Path JAR = Path.of("..", "node-agent", "target", "node-agent-0.1.0-SNAPSHOT.jar");

    private final Process process;
    private final int httpPort;

    private SimulatedAgent(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    static SimulatedAgent start(String hostId, String profile, Path world, String bootstrapServers) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build node-agent first (mvn package)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = world.resolve(hostId + ".log");
        Files.createDirectories(world);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(),
                "--host-id=" + hostId, "--bootstrap-servers=" + bootstrapServers, "--http-port=" + port,
                "--sysfs-root=" + world.resolve(hostId), "--simulate=" + profile, "--seed=" + Math.abs(hostId.hashCode()),
                "--heartbeat=PT5S");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new SimulatedAgent(process, port);
    }

    int httpPort() {
        return httpPort;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

}
