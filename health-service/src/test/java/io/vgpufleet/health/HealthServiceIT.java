package io.vgpufleet.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HealthServiceIT {

    private static final String GPU = "GPU-4e1a0c9b-7d3f-4b2a-9c8d-0e1f2a3b4c5d";

    @Autowired
    EventPublisher publisher;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Environment environment;

    @Test
    void reportsHealthyOnceBoundToItsTopics() throws Exception {
        ServiceChecks.assertHealthy(port());
    }

    @Test
    void deadLettersABrokenSignalAndReadsTheNextOne(KafkaBroker broker) throws Exception {
        XidErrorObserved xid = new XidErrorObserved("health-it-host", GPU, Instant.now(), SignalSource.EVENT, 79);
        ServiceChecks.assertDeadLettersBrokenRecordsAndCarriesOn(
                broker.bootstrapServers(), TopicCatalogue.HEALTH_SIGNALS, xid, publisher, meters);
    }

    @Test
    void servesTheLatestSignalOfEachKindForAGpu() throws Exception {
        EccCounters counters = new EccCounters(3, 1, 10, 1);
        publisher.publish(new EccErrorsObserved("health-it-host", GPU, Instant.now(), SignalSource.POLL, counters,
                new EccCounters(3, 1, 3, 1))).get();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port() + "/api/v1/gpus/" + GPU + "/signals")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("EccErrorsObserved").contains("\"uncorrectedVolatile\":1");
        });
    }

    private int port() {
        return environment.getRequiredProperty("local.server.port", Integer.class);
    }
}
