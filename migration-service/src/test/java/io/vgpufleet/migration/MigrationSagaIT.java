package io.vgpufleet.migration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.migration.fleet.FleetState;
import io.vgpufleet.migration.runtime.SagaEngine;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.RealKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The sagas over a real broker against real node agents on simulated hosts laid out side by side (the
 * agents run in this JVM; claims are the service's local ones, the inventory's claims being tested in the
 * system tests): a migration that passes over a target with another {@code migration_version} and one whose
 * NVML limits it, and a host drain under its concurrency limits.
 */
@RealKafka
@DirtiesContext // its engine and consumers must not outlive the class: the next IT's context joins the same groups
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "vgpu.migration.claims=local",
    "vgpu.migration.saga.step-timeout=15s",
    "vgpu.migration.saga.verify-timeout=20s",
    "vgpu.migration.saga.tick=100ms",
    "vgpu.migration.saga.attempts=4",
    "vgpu.migration.concurrency.per-source-host=2",
    "vgpu.migration.concurrency.per-target-host=2",
    "vgpu.migration.concurrency.fleet-wide=4",
    "vgpu.migration.policy.max-candidates-checked=20"})
class MigrationSagaIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path world;

    @Autowired
    EventPublisher publisher;

    @Autowired
    SagaEngine engine;

    @Autowired
    FleetState fleet;

    @Autowired
    Environment environment;

    private static final Map<String, SimulatedAgent> agents = new ConcurrentHashMap<>();

    /** After {@code @RealKafka} started the broker (the Spring context comes after, with the first test). */
    @BeforeAll
    static void startAgents() throws Exception {
        // P4 hosts for the compatibility test; the drain test's T4 hosts are never its targets (another board)
        for (String host : List.of("it-src", "it-good", "it-version", "it-nvml", "it-spare-1")) {
            agents.put(host, SimulatedAgent.start(host, "p4", world, System.getProperty("kafka.bootstrap.servers")));
        }
        for (String host : List.of("it-drain", "it-t4-spare")) {
            agents.put(host, SimulatedAgent.start(host, "t4", world, System.getProperty("kafka.bootstrap.servers")));
        }
    }

    @AfterAll
    static void stopAgents() {
        agents.values().forEach(SimulatedAgent::close);
    }

    private void awaitEveryHost() {
        for (String host : agents.keySet()) {
            await().atMost(Duration.ofSeconds(90)).until(() -> fleet.host(host).isPresent());
        }
    }

    @Test
    void targetsWithAnotherMigrationVersionOrAnNvmlLimitAreNeverChosenAndTheReasonIsReported() throws Exception {
        // it-version's P4-8C carries another driver branch's migration_version; it-nvml's NVML limits by HOST_DRIVER
        for (Path type : typeDirs("it-version", "nvidia-289")) {
            Files.writeString(type.resolve("migration_version"), "nvidia-vgpu-migration-v1 branch=535 type=nvidia-289\n",
                    UTF_8);
        }
        Files.writeString(world.resolve("it-nvml").resolve("simulator/nvml-compatibility.properties"),
                "limit=HOST_DRIVER\n", UTF_8);
        awaitEveryHost();
        String vgpu = createAndRun("it-src", 0, "nvidia-289", "vm-compat");
        awaitSnapshotShows("it-src", vgpu, "vm-compat");

        MigrationSaga saga = engine.submit(f -> io.vgpufleet.migration.sagas.MigrationRequests.queued(
                "mig-" + UUID.randomUUID(), null, false, fleet.host("it-src").orElseThrow(),
                vgpuOf("it-src", vgpu), null, io.vgpufleet.migration.downtime.DowntimeEstimate.VSPHERE_10GBE,
                Instant.now()));
        MigrationSaga done = awaitEnd(saga.migrationId(), Duration.ofSeconds(240));

        assertThat(done.step()).as(done.reason()).isEqualTo(MigrationStep.COMPLETED);
        assertThat(done.targetHostId()).isNotIn("it-version", "it-nvml");
        assertThat(done.rejections()).anySatisfy(r -> {
            assertThat(r.hostId()).isEqualTo("it-version");
            assertThat(r.reason()).isEqualTo("MIGRATION_VERSION");
        });
        assertThat(done.rejections()).anySatisfy(r -> {
            assertThat(r.hostId()).isEqualTo("it-nvml");
            assertThat(r.reason()).isEqualTo("NVML_LIMIT");
            assertThat(r.detail()).contains("HOST_DRIVER");
        });
        assertThat(done.estimatedDowntimeMillis()).isEqualTo(500 + 7500 * 8);
        awaitSnapshotShows(done.targetHostId(), done.targetVgpuUuid(), "vm-compat");
        await().atMost(Duration.ofSeconds(90)).until(() -> fleet.host("it-src").orElseThrow().vgpus().stream()
                .noneMatch(v -> v.uuid().equals(vgpu)));
        String api = get("/api/v1/migrations/" + done.migrationId());
        assertThat(api).contains("\"step\":\"COMPLETED\"", "MIGRATION_VERSION", "NVML_LIMIT");
    }

    @Test
    void aHostDrainMovesEveryVgpuHeldByAVmWithinItsConcurrencyLimitsAndSaysWhyTheRestStays() throws Exception {
        awaitEveryHost();
        List<String> vgpus = new ArrayList<>();
        for (int gpu = 0; gpu < 2; gpu++) {
            for (int i = 0; i < 3; i++) {
                vgpus.add(createAndRun("it-drain", gpu, "nvidia-223", "vm-drain-" + gpu + "-" + i));
            }
        }
        String idle = create("it-drain", 1, "nvidia-223");
        await().atMost(Duration.ofSeconds(90)).until(() -> fleet.host("it-drain").orElseThrow().vgpus().stream()
                .filter(v -> v.vmId() != null).count() == 6);

        String response = post("/api/v1/drains", "{\"hostId\":\"it-drain\",\"reason\":\"maintenance\"}");
        String drainId = response.replaceAll("(?s).*\"drainId\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(250))
                .until(() -> !get("/api/v1/drains/" + drainId).contains("\"state\":\"RUNNING\""));

        String drain = get("/api/v1/drains/" + drainId);
        assertThat(drain).contains("\"state\":\"INCOMPLETE\"", idle, "no VM holds it");
        List<MigrationSaga> migrations = engine.migrations().stream().filter(s -> drainId.equals(s.drainId())).toList();
        assertThat(migrations).hasSize(6).allSatisfy(s -> assertThat(s.step()).as(s.reason())
                .isEqualTo(MigrationStep.COMPLETED));
        assertThat(migrations).extracting(MigrationSaga::targetHostId).containsOnly("it-t4-spare");
        // never more than 2 running off the source at once: intervals from leaving QUEUED to the end
        List<long[]> intervals = migrations.stream().map(s -> new long[] {admittedAt(s), s.updatedAt().toEpochMilli()})
                .toList();
        assertThat(maxOverlap(intervals)).isBetween(1, 2);
    }

    // ------------------------------------------------------------------ helpers

    private static long admittedAt(MigrationSaga saga) {
        return java.util.Objects.requireNonNull(saga.startedAt(), "a migration that ran has a start").toEpochMilli();
    }

    private static int maxOverlap(List<long[]> intervals) {
        int max = 0;
        for (long[] a : intervals) {
            int overlapping = 0;
            for (long[] b : intervals) {
                if (b[0] <= a[0] && a[0] < b[1]) {
                    overlapping++;
                }
            }
            max = Math.max(max, overlapping);
        }
        return max;
    }

    private String createAndRun(String host, int gpuIndex, String type, String vmId) throws Exception {
        String vgpu = create(host, gpuIndex, type);
        String body = "{\"vmId\":\"" + vmId + "\",\"vgpuUuids\":[\"" + vgpu + "\"]}";
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agents.get(host).httpPort() + "/sim/vms")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isBetween(200, 299);
        return vgpu;
    }

    private String create(String host, int gpuIndex, String type) {
        HostSnapshot snapshot = await().atMost(Duration.ofSeconds(90)).until(() -> fleet.host(host).orElse(null),
                java.util.Objects::nonNull);
        String vgpu = UUID.randomUUID().toString();
        Instant now = Instant.now();
        publisher.publish(new CreateVgpu("it-create-" + vgpu, host, now, now.plusSeconds(60),
                snapshot.gpus().get(gpuIndex).pciBdf(), type, vgpu, Map.of()));
        await().atMost(Duration.ofSeconds(90)).until(() -> fleet.host(host).orElseThrow().vgpus().stream()
                .anyMatch(v -> v.uuid().equals(vgpu)));
        return vgpu;
    }

    private Vgpu vgpuOf(String host, String uuid) {
        return fleet.host(host).orElseThrow().vgpus().stream().filter(v -> v.uuid().equals(uuid)).findFirst().orElseThrow();
    }

    private void awaitSnapshotShows(String host, String vgpu, String vmId) {
        await().atMost(Duration.ofSeconds(90)).until(() -> fleet.host(host).map(s -> s.vgpus().stream()
                .anyMatch(v -> v.uuid().equals(vgpu) && vmId.equals(v.vmId()))).orElse(false));
    }

    private MigrationSaga awaitEnd(String migrationId, Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> engine.migration(migrationId).orElseThrow(), saga -> saga.step().terminal());
    }

    private List<Path> typeDirs(String host, String type) throws Exception {
        try (var found = Files.find(world.resolve(host).resolve("devices"), 6,
                (path, attributes) -> path.getFileName().toString().equals(type)
                        && path.getParent().getFileName().toString().equals("mdev_supported_types"))) {
            List<Path> dirs = found.toList();
            assertThat(dirs).hasSize(2);
            return dirs;
        }
    }

    private String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base().resolve(path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.VIEWER)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String post(String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base().resolve(path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response.body();
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port"));
    }
}
