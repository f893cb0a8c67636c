package io.vgpufleet.inventory.claims.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.inventory.claims.streams.ClaimTopology;
import io.vgpufleet.service.messaging.KafkaClientSecurity;
import io.vgpufleet.service.messaging.ServiceMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The claim ledger stream's wiring: its Kafka Streams settings and the meters its topology reports to. */
class ClaimConfigurationTest {

    private static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");

    @TempDir
    Path stateDir;

    private static Properties config(int threads, KafkaClientSecurity security) {
        return ClaimConfiguration.streamsConfig("broker:9092", "claims", StreamsConfig.EXACTLY_ONCE_V2, "/tmp/claims",
                Duration.ofMillis(50), Duration.ofMillis(10), threads, security);
    }

    @Test
    void theLedgerStreamsProducerTakesADeadLetterAsLargeAsTheDeadLetterTopicsDo() {
        // a command near the 1 MiB record limit plus its reason headers: more than the producer's default limit
        assertThat(Topic.DEAD_LETTER_MAX_MESSAGE_BYTES).isGreaterThan(1024 * 1024);
        assertThat(config(1, KafkaClientSecurity.none()).get(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)))
                .isEqualTo(Topic.DEAD_LETTER_MAX_MESSAGE_BYTES);
    }

    @Test
    void theLedgerStreamUsesTheServicesKafkaSecurityAndTheThreadsAsked() {
        Properties config = config(3, new KafkaClientSecurity(Map.of("security.protocol", "SSL")));
        assertThat(config.get("security.protocol")).isEqualTo("SSL");
        assertThat(config.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
        // the stream thread goes on to commit after 10 ms without input, not Kafka's 100 ms
        assertThat(config.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(10L);
        assertThat(config.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(50L);
        assertThatThrownBy(() -> config(0, KafkaClientSecurity.none())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
    }

    @Test
    void aDeadLetteredClaimCommandIsCountedWhereEveryOtherConsumerCountsItsDeadLetters() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EventCodec codec = new EventCodec(Clock.fixed(T0, ZoneOffset.UTC), UUID::randomUUID, "urn:vgpu:test");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "claim-meters-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                ClaimTopology.build(codec, Duration.ofSeconds(1), new ClaimMeters(meters)), config, T0)) {
            var requests = driver.createInputTopic(TopicCatalogue.CLAIM_REQUESTS.name(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            ProducerRecord<String, byte[]> good = codec.record(new ClaimCapacity("cmd-1", "c1", "host-1", "vm-1", "test",
                    60, List.of(new ClaimItem("GPU-0000abcd-0000-4000-8000-000000000001", "0000:3b:00.0", "nvidia-232",
                            UUID.randomUUID().toString(), 0)), T0));
            requests.pipeInput(new TestRecord<>("host-1".getBytes(UTF_8), "{nope".getBytes(UTF_8), good.headers(), T0));
            requests.pipeInput(new TestRecord<>("host-2".getBytes(UTF_8), good.value(), good.headers(), T0));
            requests.pipeInput(new TestRecord<>("host-1".getBytes(UTF_8), good.value(), good.headers(), T0));
        }
        assertThat(meters.counter(ServiceMetrics.RECORDS_DEAD_LETTERED, "topic", TopicCatalogue.CLAIM_REQUESTS.name())
                .count()).isEqualTo(2.0);
    }
}
