package io.vgpufleet.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.health.streams.HealthStreams;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.RealKafka;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two health-service instances of one application share the partitions; each answers {@code GET
 * /gpus/{uuid}/health} for every pGPU, forwarding to the owner where it does not own the pGPU, and {@code GET
 * /health/unhealthy} merges both instances' lists.
 */
@RealKafka
class HealthRoutingIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void eachInstanceAnswersForEveryPgpuByAskingItsOwner() throws Exception {
        String applicationId = "health-routing-it-" + UUID.randomUUID();
        int portA = freePort();
        int portB = freePort();
        ConfigurableApplicationContext a = start(applicationId, portA);
        ConfigurableApplicationContext b = start(applicationId, portB);
        HealthStreams streamsA = a.getBean(HealthStreams.class);
        HealthStreams streamsB = b.getBean(HealthStreams.class);
        await().atMost(DEADLINE).until(() -> streamsA.streamsState() == KafkaStreams.State.RUNNING
                && streamsB.streamsState() == KafkaStreams.State.RUNNING
                && streamsA.otherInstances().size() == 1 && streamsB.otherInstances().size() == 1);

        List<String> gpus = new ArrayList<>();
        EventPublisher publisher = a.getBean(EventPublisher.class);
        for (int n = 0; n < 24; n++) {
            String gpu = String.format("GPU-7a0a0a0a-0000-4000-8000-%012d", n);
            gpus.add(gpu);
            publisher.publish(new EccErrorsObserved("routing-it-host", gpu, Instant.now(), SignalSource.POLL,
                    new EccCounters(0, 1, 0, 1), new EccCounters(0, 1, 0, 1))).get();
        }

        await().atMost(DEADLINE).untilAsserted(() -> {
            for (String gpu : gpus) {
                for (int port : List.of(portA, portB)) {
                    HttpResponse<String> response = get(port, "/api/v1/gpus/" + gpu + "/health");
                    assertThat(response.statusCode()).as(gpu + " on " + port + ": " + response.body()).isEqualTo(200);
                    assertThat(response.body()).contains("\"gpuUuid\":\"" + gpu + "\"").contains("\"health\":\"FAILED\"");
                }
            }
        });
        List<String> ownedByB = gpus.stream().filter(gpu -> streamsA.remoteOwnerOf(gpu).isPresent()).toList();
        assertThat(ownedByB).as("the partitions are shared").isNotEmpty().hasSizeLessThan(gpus.size());
        assertThat(ownedByB).allSatisfy(gpu -> assertThat(streamsA.state(gpu)).as("not in A's store").isEmpty());

        String merged = get(portA, "/api/v1/health/unhealthy?size=500").body();
        assertThat(gpus).allSatisfy(gpu -> assertThat(merged).contains(gpu));
        assertThat(get(portB, "/api/v1/gpus/not-a-gpu/health").statusCode()).isEqualTo(400);
    }

    private ConfigurableApplicationContext start(String applicationId, int port) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(HealthServiceApplication.class).run(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--vgpu.health.streams.application-id=" + applicationId,
                "--vgpu.health.streams.application-server=127.0.0.1:" + port,
                "--vgpu.health.streams.state-dir=" + System.getProperty("java.io.tmpdir") + "/health-routing-it-"
                        + UUID.randomUUID(),
                "--spring.jmx.enabled=false");
        instances.add(context);
        return context;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.VIEWER)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
