package io.vgpufleet.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.service.testing.ServiceChecks;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    // its own claim ledger state and application id: nothing else on the machine may hold them
    "vgpu.inventory.claims.streams.state-dir=target/inventory-it-claims-state",
    "vgpu.inventory.claims.streams.application-id=inventory-service-it-claims"})
// closed after the class: its claim ledger stream must not keep running beside ClaimsIT's instances
@DirtiesContext
class InventoryServiceIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    EventPublisher publisher;

    @Autowired
    Environment environment;

    @Autowired
    MeterRegistry meters;

    @Test
    void reportsHealthyOnceBoundToItsTopics() throws Exception {
        ServiceChecks.assertHealthy(environment.getRequiredProperty("local.server.port", Integer.class));
    }

    @Test
    void servesTheHostsAndGpusOfPublishedSnapshots() throws Exception {
        publisher.publish(snapshot("inv-host-a", "GPU-0000000a-0000-4000-8000-000000000001", "0000:3b:00.0")).get();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> host = get("/api/v1/hosts/inv-host-a");
            assertThat(host.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(host.body());
            assertThat(body.path("gpus").get(0).path("model").asString()).isEqualTo("Tesla P4");
            assertThat(body.path("gpus").get(0).path("types").get(0).path("typeId").asString()).isEqualTo("nvidia-289");
        });
        JsonNode gpu = JSON.readTree(get("/api/v1/gpus/GPU-0000000a-0000-4000-8000-000000000001").body());
        assertThat(gpu.path("hostId").asString()).isEqualTo("inv-host-a");
        JsonNode hosts = JSON.readTree(get("/api/v1/hosts?size=500").body());
        assertThat(hosts.path("items").findValuesAsString("hostId")).contains("inv-host-a");
    }

    @Test
    void answersProblemDetailsForUnknownHostsAndBadPages() throws Exception {
        HttpResponse<String> missing = get("/api/v1/hosts/no-such-host");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(missing.body()).path("detail").asString()).contains("no-such-host");

        HttpResponse<String> badPage = get("/api/v1/hosts?size=0");
        assertThat(badPage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badPage.body()).path("detail").asString()).contains("size");
    }

    @Test
    void deadLettersABrokenSnapshotWithItsReasonAndCarriesOn(KafkaBroker broker) throws Exception {
        ServiceChecks.assertDeadLettersBrokenRecordsAndCarriesOn(broker.bootstrapServers(), TopicCatalogue.HOST_SNAPSHOTS,
                snapshot("inv-host-after-broken", "GPU-0000000b-0000-4000-8000-000000000001", "0000:af:00.0"), publisher,
                meters);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(get("/api/v1/hosts/inv-host-after-broken").statusCode()).isEqualTo(200));
    }

    @Test
    void ranksPlacementCandidatesFromPublishedSnapshots() throws Exception {
        publisher.publish(t4Host("inv-place-a", "GPU-0000000c-0000-4000-8000-000000000001", 1)).get();
        publisher.publish(t4Host("inv-place-b", "GPU-0000000c-0000-4000-8000-000000000002", 0)).get();
        String request = """
                {"typeId": "nvidia-232", "hostAffinity": ["inv-place-a", "inv-place-b"], "policy": "%s", "limit": 5}""";

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> packed = post("/api/v1/placements", request.formatted("PACK"));
            assertThat(packed.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(packed.body());
            assertThat(body.path("candidates").findValuesAsString("hostId")).containsExactly("inv-place-a", "inv-place-b");
        });
        JsonNode spread = JSON.readTree(post("/api/v1/placements", request.formatted("SPREAD")).body());
        assertThat(spread.path("candidates").findValuesAsString("hostId")).containsExactly("inv-place-b", "inv-place-a");
        JsonNode first = spread.path("candidates").get(0);
        assertThat(first.path("rank").asInt()).isEqualTo(1);
        assertThat(first.path("gpus").get(0).path("gpuUuid").asString()).isEqualTo("GPU-0000000c-0000-4000-8000-000000000002");
        assertThat(first.path("gpus").get(0).path("typeId").asString()).isEqualTo("nvidia-232");
        assertThat(spread.path("eligibleGpus").asInt()).isEqualTo(2);
        assertThat(spread.path("rejections").findValuesAsString("reason")).isSubsetOf("AFFINITY", "TYPE_NOT_SUPPORTED");

        JsonNode capacity = JSON.readTree(get("/api/v1/capacity?type=nvidia-232").body());
        assertThat(capacity.path("types").get(0).path("typeId").asString()).isEqualTo("nvidia-232");
        assertThat(capacity.path("types").get(0).path("headroom").asLong()).isGreaterThanOrEqualTo(3 + 4);
    }

    @Test
    void placesNothingOnAPgpuTheHealthServiceFailedOrCordoned() throws Exception {
        String failed = "GPU-0000000d-0000-4000-8000-000000000001";
        String cordoned = "GPU-0000000d-0000-4000-8000-000000000002";
        String healthy = "GPU-0000000d-0000-4000-8000-000000000003";
        publisher.publish(t4Host("inv-cond-a", failed, 0)).get();
        publisher.publish(t4Host("inv-cond-b", cordoned, 0)).get();
        publisher.publish(t4Host("inv-cond-c", healthy, 0)).get();
        publisher.publish(new GpuHealthChanged(failed, "inv-cond-a", GpuHealth.HEALTHY, GpuHealth.FAILED, "double-bit-ecc",
                Map.of("uncorrectedVolatile", "1"), Instant.now())).get();
        publisher.publish(new GpuCordonChanged(cordoned, "inv-cond-b", true, "bad fan", "operator", Instant.now())).get();
        String request = """
                {"typeId": "nvidia-232", "hostAffinity": ["inv-cond-a", "inv-cond-b", "inv-cond-c"], "limit": 5}""";

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode body = JSON.readTree(post("/api/v1/placements", request).body());
            assertThat(body.path("candidates").findValuesAsString("gpuUuid")).containsExactly(healthy);
            assertThat(body.path("rejections").findValuesAsString("reason")).contains("UNHEALTHY", "CORDONED");
        });
    }

    @Test
    void refusesAMalformedPlacementWithAProblemNamingTheField() throws Exception {
        HttpResponse<String> negative = post("/api/v1/placements", """
                {"typeId": "nvidia-232", "count": -1}""");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(negative.body());
        assertThat(problem.path("field").asString()).isEqualTo("count");
        assertThat(problem.path("detail").asString()).startsWith("count ");

        assertThat(JSON.readTree(post("/api/v1/placements", "{\"policy\": \"BALANCED\"}").body()).path("field").asString())
                .isEqualTo("policy");
        assertThat(JSON.readTree(post("/api/v1/placements", "{\"typeId\": \"p4-8c\"}").body()).path("field").asString())
                .isEqualTo("typeId");
        assertThat(post("/api/v1/placements", "{\"typeId\": ").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/capacity?type=bad").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A host with one T4 offering T4-4Q (4 per pGPU), {@code resident} of them already there. */
    static HostSnapshot t4Host(String hostId, String gpuUuid, int resident) {
        VgpuTypeCapacity t4_4q = new VgpuTypeCapacity("nvidia-232", "GRID T4-4Q", VgpuClass.Q, 4096, 4, 4 - resident, 1, 60,
                "4096x2160", "vfio-pci", null);
        PhysicalGpu gpu = new PhysicalGpu(gpuUuid, "0000:3b:00.0", "Tesla T4", 16384, 0, "0-15", EccMode.OFF, HostKind.MDEV,
                false, NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), List.of(t4_4q), List.of());
        List<Vgpu> vgpus = new ArrayList<>();
        for (int i = 1; i <= resident; i++) {
            vgpus.add(new Vgpu(String.format("%08x-0000-4000-8000-%012x", i, i), gpuUuid, "nvidia-232", null, "vm-" + i,
                    Map.of(), null));
        }
        return new HostSnapshot(hostId, 1, Instant.now(), "test", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.54.16", List.of()), List.of(gpu), vgpus);
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
        return HTTP.send(HttpRequest.newBuilder(uri).header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.VIEWER))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HostSnapshot snapshot(String hostId, String gpuUuid, String bdf) {
        VgpuTypeCapacity p4_8c = new VgpuTypeCapacity("nvidia-289", "GRID P4-8C", VgpuClass.C, 8192, 1, 1, 1, 60,
                "4096x2160", "vfio-pci", null);
        PhysicalGpu gpu = new PhysicalGpu(gpuUuid, bdf, "Tesla P4", 8192, 0, "0-15", EccMode.ON, HostKind.MDEV, false,
                NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), List.of(p4_8c), List.of());
        return new HostSnapshot(hostId, 1, Instant.now(), "test", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.54.16", List.of()), List.of(gpu), List.of());
    }
}
