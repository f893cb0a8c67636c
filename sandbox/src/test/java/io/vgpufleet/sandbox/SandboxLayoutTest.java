package io.vgpufleet.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vgpufleet.sandbox.broker.BrokerSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxLayoutTest {

    private static final Path CWD = Path.of("/work/repo");

    private static SandboxLayout layout(String... args) {
        return SandboxLayout.of(SandboxOptions.parse(List.of(args)), CWD);
    }

    @Test
    void dataLivesUnderDotSandboxInTheWorkingDirectoryByDefault() {
        SandboxLayout layout = layout();

        assertThat(layout.repo()).isEqualTo(CWD);
        assertThat(layout.dataDir()).isEqualTo(CWD.resolve(".sandbox"));
        assertThat(layout.kafkaDir()).isEqualTo(CWD.resolve(".sandbox/kafka"));
        assertThat(layout.logsDir()).isEqualTo(CWD.resolve(".sandbox/logs"));
        assertThat(layout.hostsDir()).isEqualTo(CWD.resolve(".sandbox/hosts"));
        assertThat(layout.brokerSettings()).isEqualTo(
                new BrokerSettings("127.0.0.1", 9092, 9093, CWD.resolve(".sandbox/kafka")));
        assertThat(layout.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void relativeDirectoriesAreResolvedAgainstTheWorkingDirectoryAndAbsoluteOnesKept() {
        SandboxLayout layout = layout("--data-dir=/var/tmp/sb", "--repo=../other", "--kafka-port=19092");

        assertThat(layout.dataDir()).isEqualTo(Path.of("/var/tmp/sb"));
        assertThat(layout.repo()).isEqualTo(Path.of("/work/other"));
        assertThat(layout.brokerSettings().controllerPort()).isEqualTo(19093);
    }

    @Test
    void theFourServicesRunOnTheirDesignPortsWithTheBrokerAddressAndSmallHeaps() {
        List<SandboxLayout.Child> services = layout().children().stream()
                .filter(child -> child.kind() == SandboxLayout.Kind.SERVICE).toList();

        assertThat(services).extracting(SandboxLayout.Child::name, SandboxLayout.Child::port).containsExactly(
                tuple("inventory-service", 8081),
                tuple("lifecycle-service", 8082),
                tuple("health-service", 8083),
                tuple("migration-service", 8084));
        SandboxLayout.Child inventory = services.get(0);
        assertThat(inventory.jar()).isEqualTo(CWD.resolve("inventory-service/target/inventory-service-0.1.0-SNAPSHOT.jar"));
        assertThat(inventory.module()).isEqualTo("inventory-service");
        assertThat(inventory.command("/jdk/bin/java")).containsSubsequence(
                "/jdk/bin/java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                inventory.jar().toString(), "--server.port=8081", "--spring.kafka.bootstrap-servers=127.0.0.1:9092",
                "--spring.cloud.stream.kafka.binder.brokers=127.0.0.1:9092");
        assertThat(inventory.healthUrl()).isEqualTo(URI.create("http://127.0.0.1:8081/actuator/health"));
        assertThat(inventory.logFile()).isEqualTo(CWD.resolve(".sandbox/logs/inventory-service.log"));
    }

    @Test
    void simulatedHostsCycleThroughTheGpuProfilesWithTheirOwnPortSeedAndSysfsTree() {
        List<SandboxLayout.Child> agents = layout("--hosts=5", "--kafka-port=19092").children().stream()
                .filter(child -> child.kind() == SandboxLayout.Kind.AGENT).toList();

        assertThat(agents).extracting(SandboxLayout.Child::name).containsExactly(
                "node-agent-sim-01", "node-agent-sim-02", "node-agent-sim-03", "node-agent-sim-04", "node-agent-sim-05");
        assertThat(agents).extracting(a -> a.arguments().get(4))
                .containsExactly("--simulate=p4", "--simulate=t4", "--simulate=a100", "--simulate=h100", "--simulate=p4");
        SandboxLayout.Child second = agents.get(1);
        assertThat(second.jar()).isEqualTo(CWD.resolve("node-agent/target/node-agent-0.1.0-SNAPSHOT.jar"));
        assertThat(second.command("java")).containsExactly("java", "-Xmx24m", "-Xms8m", "-Xmn3m",
                "-XX:MaxHeapFreeRatio=20", "-XX:MinHeapFreeRatio=5", "-Xss256k", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=64m",
                "-XX:CICompilerCount=1", "-Xshare:auto", "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                second.jar().toString(), "--host-id=sim-02", "--bootstrap-servers=127.0.0.1:19092", "--http-port=9102",
                "--sysfs-root=" + CWD.resolve(".sandbox/hosts/sim-02"), "--simulate=t4", "--seed=2");
        assertThat(second.healthUrl()).isEqualTo(URI.create("http://127.0.0.1:9102/healthz"));
        assertThat(second.otherUrls()).containsExactly(URI.create("http://127.0.0.1:9102/metrics"));
        assertThat(SandboxLayout.hostId(12)).isEqualTo("sim-12");
    }

    @Test
    void withoutServicesOnlyTheBrokerRunsAndNeedsOnlyItsPorts() {
        SandboxLayout layout = layout("--no-services");

        assertThat(layout.children()).isEmpty();
        assertThat(layout.missingJars()).isEmpty();
        assertThat(layout.ports()).containsExactly(
                new SandboxLayout.PortUse(9092, "Kafka broker"), new SandboxLayout.PortUse(9093, "Kafka controller"));
    }

    @Test
    void everyPortOfAFullRunIsListedWithItsPurpose() {
        assertThat(layout("--hosts=2").ports()).extracting(SandboxLayout.PortUse::port)
                .containsExactly(9092, 9093, 8081, 8082, 8083, 8084, 9101, 9102);
    }

    @Test
    void missingJarsAreThoseNotBuiltYet(@TempDir Path repo) throws Exception {
        Path inventory = repo.resolve("inventory-service/target/inventory-service-0.1.0-SNAPSHOT.jar");
        Files.createDirectories(inventory.getParent());
        Files.writeString(inventory, "not really a jar");

        SandboxLayout layout = SandboxLayout.of(SandboxOptions.parse(List.of("--hosts=1")), repo);

        assertThat(layout.missingJars()).extracting(SandboxLayout.Child::module)
                .containsExactly("lifecycle-service", "health-service", "migration-service", "node-agent");
    }

    @Test
    void theTableShowsKafkaEveryUrlAndLogRelativeToTheWorkingDirectory() {
        String table = SandboxTable.render(layout("--hosts=1"), "cluster abc, new", CWD);

        assertThat(table).contains("127.0.0.1:9092", "data .sandbox/kafka (cluster abc, new)",
                "http://127.0.0.1:8081/api/v1", "http://127.0.0.1:8081/actuator/health",
                ".sandbox/logs/inventory-service.log", "http://127.0.0.1:9101/metrics",
                "http://127.0.0.1:9101/healthz", ".sandbox/logs/node-agent-sim-01.log");
        assertThat(table.lines()).hasSize(1 + 1 + 4 + 1);
    }
}
