package io.vgpufleet.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.service.testing.ServiceChecks;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
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

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
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
