package io.vgpufleet.service.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.messaging.CloudEventAttributes;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.service.messaging.ServiceMetrics;
import io.vgpufleet.testing.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Behaviour every service owes, checked the same way in each service's IT: it reports healthy, and a
 * record it cannot read on a topic it consumes lands in that topic's dead-letter topic with the
 * reason while the next record is still processed.
 */
public final class ServiceChecks {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServiceChecks() {}

    public static void assertHealthy(int port) throws Exception {
        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    /**
     * Sends a record whose payload is not JSON to {@code topic}, then a valid {@code follower}; asserts
     * the broken one reaches {@code <topic>.dlq} with the reason in its header and that the service
     * consumed the follower (its consumed-records counter for the follower's type went up).
     */
    public static void assertDeadLettersBrokenRecordsAndCarriesOn(
            String bootstrapServers, Topic topic, Object follower, EventPublisher publisher, MeterRegistry meters)
            throws Exception {
        String ceType = EventTypes.of(follower.getClass()).ceType();
        double consumedBefore = consumed(meters, topic, ceType);
        String key = "broken-" + UUID.randomUUID();
        TopicProbe probe = new TopicProbe(bootstrapServers);
        probe.send(topic.name(), key, "{not json".getBytes(StandardCharsets.UTF_8), Map.of(
                CloudEventAttributes.SPEC_VERSION, "1.0",
                CloudEventAttributes.ID, key,
                CloudEventAttributes.TYPE, ceType,
                CloudEventAttributes.SOURCE, "urn:test",
                CloudEventAttributes.TIME, Instant.now().toString(),
                CloudEventAttributes.SUBJECT, key));
        publisher.publish(follower).get();

        ConsumerRecord<byte[], byte[]> letter = probe.await(TopicCatalogue.deadLetterOf(topic).name(),
                Duration.ofSeconds(30), record -> key.equals(TopicProbe.key(record)));
        assertThat(TopicProbe.header(letter, DeadLetters.REASON)).contains("payload is not a valid " + ceType);
        assertThat(TopicProbe.header(letter, DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topic.name());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(consumed(meters, topic, ceType)).isGreaterThan(consumedBefore));
    }

    private static double consumed(MeterRegistry meters, Topic topic, String ceType) {
        Counter counter = meters.find(ServiceMetrics.RECORDS_CONSUMED)
                .tags("topic", topic.name(), "type", ceType)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
