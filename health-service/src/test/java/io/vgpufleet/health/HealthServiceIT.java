package io.vgpufleet.health;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.health.hosts.Snapshots;
import io.vgpufleet.service.testing.ServiceChecks;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import io.vgpufleet.testing.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The health-service on a real broker: signals in, verdicts and cordons out on their topics, the REST API and
 * the Prometheus scrape. The hysteresis is 2 s here; processing is exactly_once_v2, as in production.
 */
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "vgpu.health.policy.hysteresis=2s",
        "vgpu.health.streams.tick-interval=250ms",
        "vgpu.health.streams.state-dir=${java.io.tmpdir}/health-service-it-${random.uuid}"})
// closed after the class, while the broker still runs: left to the JVM's exit, the context's Kafka Streams
// waited its whole close timeout for a broker already gone, and the build killed the test JVM after 30 s
@DirtiesContext
class HealthServiceIT {

    private static final String GPU = "GPU-4e1a0c9b-7d3f-4b2a-9c8d-0e1f2a3b4c5d";
    private static final String FAILING_GPU = "GPU-0a0a0a0a-0000-4000-8000-000000000001";
    private static final String RETIRING_GPU = "GPU-0a0a0a0a-0000-4000-8000-000000000002";
    private static final String CORDONED_GPU = "GPU-0a0a0a0a-0000-4000-8000-000000000003";
    private static final String HOSTING_GPU = "GPU-0a0a0a0a-0000-4000-8000-000000000004";
    private static final String EMPTY_GPU = "GPU-0a0a0a0a-0000-4000-8000-000000000005";
    private static final String SNAPSHOT_HOST = "health-it-snapshot-host";
    private static final String HOST = "health-it-host";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    EventPublisher publisher;

    @Autowired
    EventCodec codec;

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
            HttpResponse<String> response = get("/api/v1/gpus/" + GPU + "/signals");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("EccErrorsObserved").contains("\"uncorrectedVolatile\":1");
        });
    }

    @Test
    void aDoubleBitErrorFailsCordonsAndRequestsADrainOfThePgpu(KafkaBroker broker) throws Exception {
        publisher.publish(new EccErrorsObserved(HOST, FAILING_GPU, Instant.now(), SignalSource.EVENT,
                new EccCounters(0, 1, 0, 1), new EccCounters(0, 1, 0, 1))).get();

        GpuHealthChanged failed = awaitHealth(broker, FAILING_GPU, change -> change.current() == GpuHealth.FAILED);
        assertThat(failed.rule()).isEqualTo("double-bit-ecc");
        assertThat(failed.evidence()).containsEntry("uncorrectedVolatile", "1");
        GpuCordonChanged cordon = awaitCordon(broker, FAILING_GPU, GpuCordonChanged::cordoned);
        assertThat(cordon.actor()).isEqualTo("policy:double-bit-ecc");
        DrainRequested drain = awaitDrain(broker, FAILING_GPU);
        assertThat(drain.health()).isEqualTo(GpuHealth.FAILED);
        assertThat(drain.rule()).isEqualTo("double-bit-ecc");
        assertThat(drain.hostId()).isEqualTo(HOST);
        assertThat(drain.drainId()).isEqualTo("drain-" + FAILING_GPU + "-" + failed.changedAt().toEpochMilli());

        await().atMost(DEADLINE).untilAsserted(() -> {
            HttpResponse<String> health = get("/api/v1/gpus/" + FAILING_GPU + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"health\":\"FAILED\"").contains("\"rule\":\"double-bit-ecc\"")
                    .contains("\"uncorrectedVolatile\":\"1\"").contains("\"since\":").contains("\"cordoned\":true");
        });
        assertThat(get("/api/v1/health/unhealthy?size=500").body()).contains(FAILING_GPU);
        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape).containsPattern("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL\\{[^}]*UUID=\"" + FAILING_GPU + "\"[^}]*} 1.0")
                .containsPattern("vgpu_health_state\\{[^}]*UUID=\"" + FAILING_GPU + "\"[^}]*} 3.0")
                .doesNotContain("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL_total");
    }

    @Test
    void aPendingRetirementDrainsAndAResetRecoversOnlyAfterTheHysteresis(KafkaBroker broker) throws Exception {
        publisher.publish(new PagesRetired(HOST, RETIRING_GPU, Instant.now(), SignalSource.POLL, 1, 0, true)).get();
        GpuHealthChanged draining = awaitHealth(broker, RETIRING_GPU, c -> c.current() == GpuHealth.DRAINING);
        assertThat(draining.rule()).isEqualTo("page-retirement-pending");
        awaitCordon(broker, RETIRING_GPU, GpuCordonChanged::cordoned);

        Instant resetAt = Instant.now();
        publisher.publish(new PagesRetired(HOST, RETIRING_GPU, resetAt, SignalSource.POLL, 0, 0, false)).get();
        publisher.publish(new EccErrorsObserved(HOST, RETIRING_GPU, resetAt, SignalSource.POLL,
                new EccCounters(0, 0, 0, 0), EccCounters.ZERO)).get();
        assertThat(get("/api/v1/gpus/" + RETIRING_GPU + "/health").body())
                .as("still within the hysteresis").contains("\"health\":\"DRAINING\"");

        GpuHealthChanged healthy = awaitHealth(broker, RETIRING_GPU, c -> c.current() == GpuHealth.HEALTHY);
        assertThat(healthy.rule()).isEqualTo("recovered");
        assertThat(healthy.changedAt()).as("not before the 2 s hysteresis").isAfterOrEqualTo(resetAt.plusSeconds(2));
        GpuCordonChanged uncordon = awaitCordon(broker, RETIRING_GPU, cordon -> !cordon.cordoned());
        assertThat(uncordon.actor()).isEqualTo("policy:recovered");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(get("/api/v1/gpus/" + RETIRING_GPU + "/health").body())
                .contains("\"health\":\"HEALTHY\""));
    }

    @Test
    void anOperatorCordonsOverRest(KafkaBroker broker) throws Exception {
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(
                post("/api/v1/gpus/" + CORDONED_GPU + "/cordon", "{\"reason\":\"fan check\"}").statusCode())
                .as("unknown pGPU").isEqualTo(404));
        publisher.publish(new EccErrorsObserved(HOST, CORDONED_GPU, Instant.now(), SignalSource.POLL,
                EccCounters.ZERO, EccCounters.ZERO)).get();
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(get("/api/v1/gpus/" + CORDONED_GPU + "/health").statusCode()).isEqualTo(200));

        assertThat(post("/api/v1/gpus/" + CORDONED_GPU + "/cordon", "").statusCode()).isEqualTo(400);
        HttpResponse<String> blank = post("/api/v1/gpus/" + CORDONED_GPU + "/cordon", "{\"reason\":\"  \"}");
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(blank.body()).contains("reason");
        HttpResponse<String> cordoned = post("/api/v1/gpus/" + CORDONED_GPU + "/cordon", "{\"reason\":\"fan check\"}");
        assertThat(cordoned.statusCode()).isEqualTo(202);

        GpuCordonChanged cordon = awaitCordon(broker, CORDONED_GPU, GpuCordonChanged::cordoned);
        assertThat(cordon.actor()).isEqualTo("operator");
        assertThat(cordon.reason()).isEqualTo("fan check");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(get("/api/v1/gpus/" + CORDONED_GPU + "/health").body())
                .contains("\"cordoned\":true").contains("\"cordonedBy\":\"operator\""));

        assertThat(post("/api/v1/gpus/" + CORDONED_GPU + "/uncordon", "{\"reason\":\"fan fine\"}").statusCode())
                .isEqualTo(202);
        awaitCordon(broker, CORDONED_GPU, change -> !change.cordoned() && change.actor().equals("operator"));
    }

    @Test
    void anUnknownPgpuIsA404ProblemDetail() throws Exception {
        await().atMost(DEADLINE).untilAsserted(() -> {
            HttpResponse<String> response = get("/api/v1/gpus/GPU-ffffffff-ffff-4fff-8fff-ffffffffffff/health");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).contains("problem+json"));
        });
    }

    @Test
    void withHostSnapshotsOnlyAPgpuThatHostsVgpusIsDrainedAndItsMetersCarryDcgmLabels(KafkaBroker broker)
            throws Exception {
        publisher.publish(Snapshots.snapshot(SNAPSHOT_HOST, Instant.now(),
                List.of(Snapshots.gpu(HOSTING_GPU, "0000:3b:00.0", EccMode.ON),
                        Snapshots.gpu(EMPTY_GPU, "0000:af:00.0", EccMode.ON)),
                List.of(Snapshots.vgpu(41, HOSTING_GPU, Snapshots.WORKSTATION_TYPE)))).get();
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(get("/api/v1/gpus/" + HOSTING_GPU + "/health").body()).contains("\"hostedVgpus\":1");
            assertThat(get("/api/v1/gpus/" + EMPTY_GPU + "/health").body()).contains("\"hostedVgpus\":0");
        });

        for (String gpu : List.of(HOSTING_GPU, EMPTY_GPU)) {
            publisher.publish(new EccErrorsObserved(SNAPSHOT_HOST, gpu, Instant.now(), SignalSource.EVENT,
                    new EccCounters(0, 1, 0, 1), new EccCounters(0, 1, 0, 1))).get();
        }

        GpuHealthChanged failed = awaitHealth(broker, HOSTING_GPU, change -> change.current() == GpuHealth.FAILED);
        awaitCordon(broker, HOSTING_GPU, GpuCordonChanged::cordoned);
        assertThat(awaitDrain(broker, HOSTING_GPU).drainId())
                .isEqualTo("drain-" + HOSTING_GPU + "-" + failed.changedAt().toEpochMilli());
        awaitHealth(broker, EMPTY_GPU, change -> change.current() == GpuHealth.FAILED);
        awaitCordon(broker, EMPTY_GPU, GpuCordonChanged::cordoned);
        // the cordon and a drain would commit in one transaction: with the cordon visible, no drain is coming
        assertThat(committed(broker, TopicCatalogue.DRAIN_REQUESTS.name(), EMPTY_GPU)).as("nothing to move").isEmpty();

        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape).contains("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{Hostname=\"" + SNAPSHOT_HOST + "\",UUID=\""
                + EMPTY_GPU + "\",device=\"nvidia1\",gpu=\"1\",modelName=\"Tesla T4\",pci_bus_id=\"00000000:AF:00.0\"} 1.0");
    }

    /** Every committed record with this key on the topic, read to its end. */
    private static List<ConsumerRecord<byte[], byte[]>> committed(KafkaBroker broker, String topic, String key) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                    if (key.equals(TopicProbe.key(record))) {
                        found.add(record);
                    }
                });
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
            });
            return found;
        }
    }

    private GpuHealthChanged awaitHealth(KafkaBroker broker, String gpu, Predicate<GpuHealthChanged> match) {
        return decode(new TopicProbe(broker.bootstrapServers()).await(TopicCatalogue.GPU_HEALTH.name(), DEADLINE,
                record -> gpu.equals(TopicProbe.key(record)) && match.test(decode(record, GpuHealthChanged.class))),
                GpuHealthChanged.class);
    }

    private GpuCordonChanged awaitCordon(KafkaBroker broker, String gpu, Predicate<GpuCordonChanged> match) {
        return decode(new TopicProbe(broker.bootstrapServers()).await(TopicCatalogue.GPU_CORDONS.name(), DEADLINE,
                record -> gpu.equals(TopicProbe.key(record)) && match.test(decode(record, GpuCordonChanged.class))),
                GpuCordonChanged.class);
    }

    private DrainRequested awaitDrain(KafkaBroker broker, String gpu) {
        return decode(new TopicProbe(broker.bootstrapServers()).await(TopicCatalogue.DRAIN_REQUESTS.name(), DEADLINE,
                record -> gpu.equals(TopicProbe.key(record))), DrainRequested.class);
    }

    private <T> T decode(ConsumerRecord<byte[], byte[]> record, Class<T> type) {
        try {
            return type.cast(codec.decode(record.topic(), record.headers(), record.value()).payload());
        } catch (MalformedRecordException e) {
            throw new AssertionError("unreadable record on " + record.topic() + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                        .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.VIEWER)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                        .header("Content-Type", "application/json")
                        .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR))
                        .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int port() {
        return environment.getRequiredProperty("local.server.port", Integer.class);
    }
}
