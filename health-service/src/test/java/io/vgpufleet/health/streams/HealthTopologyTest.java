package io.vgpufleet.health.streams;

import static io.vgpufleet.health.policy.Signals.GPU;
import static io.vgpufleet.health.policy.Signals.HOST;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.messaging.CloudEventAttributes;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.health.hosts.GpuFacts;
import io.vgpufleet.health.hosts.Snapshots;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.policy.HealthPolicy;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.health.policy.Rules;
import io.vgpufleet.health.policy.Signals;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The topology end to end in {@link TopologyTestDriver}: CloudEvents records in, health and cordon changes
 * (with CloudEvents headers) and dead letters out, the wall clock advanced by hand for windows and hysteresis.
 */
class HealthTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration HYSTERESIS = HealthPolicy.defaults().hysteresis();
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final String OTHER_GPU = "GPU-99999999-2222-3333-4444-555555555555";

    @TempDir
    Path stateDir;

    private final EventCodec codec = new EventCodec(Clock.fixed(T0, ZoneOffset.UTC), UUID::randomUUID, "urn:vgpu:test");
    private final List<String> consumed = new ArrayList<>();
    private final List<String> deadLettered = new ArrayList<>();
    private final List<GpuFacts> described = new ArrayList<>();
    private final List<GpuHealthState> heard = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> signals;
    private TestInputTopic<byte[], byte[]> cordonsIn;
    private TestInputTopic<byte[], byte[]> snapshots;
    private TestOutputTopic<byte[], byte[]> health;
    private TestOutputTopic<byte[], byte[]> cordons;
    private TestOutputTopic<byte[], byte[]> drains;
    private TestOutputTopic<byte[], byte[]> signalLetters;

    @BeforeEach
    void start() {
        start(HealthPolicy.defaults());
    }

    private void start(HealthPolicy policy) {
        if (driver != null) {
            driver.close();
        }
        HealthTopology.Listener listener = new HealthTopology.Listener() {
            @Override
            public void consumed(String topic, String ceType, Object payload) {
                consumed.add(ceType);
            }

            @Override
            public void deadLettered(String topic, String reason) {
                deadLettered.add(reason);
            }

            @Override
            public void described(GpuFacts facts) {
                described.add(facts);
            }

            @Override
            public void stateChanged(GpuHealthState state) {
                heard.add(state);
            }
        };
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-topology-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                HealthTopology.build(new HealthPolicyEngine(policy), codec, TICK, listener), config, T0);
        signals = driver.createInputTopic(TopicCatalogue.HEALTH_SIGNALS.name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        cordonsIn = driver.createInputTopic(TopicCatalogue.GPU_CORDONS.name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        snapshots = driver.createInputTopic(TopicCatalogue.HOST_SNAPSHOTS.name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        health = driver.createOutputTopic(TopicCatalogue.GPU_HEALTH.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        cordons = driver.createOutputTopic(TopicCatalogue.GPU_CORDONS.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        drains = driver.createOutputTopic(TopicCatalogue.DRAIN_REQUESTS.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        signalLetters = driver.createOutputTopic(TopicCatalogue.deadLetterOf(TopicCatalogue.HEALTH_SIGNALS).name(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private Instant now() {
        return T0.plus(elapsed);
    }

    private Duration elapsed = Duration.ZERO;

    private void advance(Duration by) {
        elapsed = elapsed.plus(by);
        driver.advanceWallClockTime(by);
    }

    private void send(Object payload) {
        ProducerRecord<String, byte[]> record = codec.record(payload);
        TestInputTopic<byte[], byte[]> topic = record.topic().equals(TopicCatalogue.GPU_CORDONS.name()) ? cordonsIn
                : record.topic().equals(TopicCatalogue.HOST_SNAPSHOTS.name()) ? snapshots : signals;
        topic.pipeInput(new TestRecord<>(record.key().getBytes(UTF_8), record.value(), record.headers(), now()));
    }

    private List<GpuHealthChanged> healthChanges() {
        return read(health, TopicCatalogue.GPU_HEALTH.name(), GpuHealthChanged.class);
    }

    private List<GpuCordonChanged> cordonChanges() {
        return read(cordons, TopicCatalogue.GPU_CORDONS.name(), GpuCordonChanged.class);
    }

    private List<DrainRequested> drainRequests() {
        return read(drains, TopicCatalogue.DRAIN_REQUESTS.name(), DrainRequested.class);
    }

    private <T> List<T> read(TestOutputTopic<byte[], byte[]> topic, String name, Class<T> type) {
        List<T> read = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : topic.readRecordsToList()) {
            try {
                Object payload = codec.decode(name, record.headers(), record.value()).payload();
                assertThat(new String(record.key(), UTF_8)).as("keyed by pGPU").isEqualTo(GPU);
                assertThat(record.headers().lastHeader(CloudEventAttributes.SUBJECT).value()).isEqualTo(GPU.getBytes(UTF_8));
                read.add(type.cast(payload));
            } catch (MalformedRecordException e) {
                throw new AssertionError("unreadable output on " + name + ": " + e.getMessage(), e);
            }
        }
        return read;
    }

    private GpuHealthState stored() {
        KeyValueStore<String, GpuHealthState> store = driver.getKeyValueStore(HealthTopology.STORE);
        return store.get(GPU);
    }

    static Stream<Arguments> everyRule() {
        return Stream.of(
                rule(at -> Signals.ecc(at, 0, 1, 0), GpuHealth.FAILED, Rules.DOUBLE_BIT_ECC),
                rule(at -> Signals.ecc(at, 150, 0, 150), GpuHealth.DEGRADED, Rules.CORRECTED_ECC_RATE),
                rule(at -> Signals.pages(at, 1, 0, true), GpuHealth.DRAINING, Rules.PAGE_RETIREMENT_PENDING),
                rule(at -> Signals.pages(at, 30, 20, false), GpuHealth.DEGRADED, Rules.RETIRED_PAGES),
                rule(at -> Signals.rows(at, 0, 1, true, false), GpuHealth.DRAINING, Rules.ROW_REMAP_PENDING),
                rule(at -> Signals.rows(at, 0, 1, false, true), GpuHealth.FAILED, Rules.ROW_REMAP_FAILURE),
                rule(at -> Signals.xid(at, 48), GpuHealth.FAILED, "xid-48"),
                rule(at -> Signals.xid(at, 63), GpuHealth.DRAINING, "xid-63"),
                rule(at -> Signals.xid(at, 64), GpuHealth.FAILED, "xid-64"),
                rule(at -> Signals.xid(at, 79), GpuHealth.FAILED, "xid-79"),
                rule(at -> Signals.xid(at, 92), GpuHealth.DEGRADED, "xid-92"),
                rule(at -> Signals.xid(at, 94), GpuHealth.DRAINING, "xid-94"),
                rule(at -> Signals.xid(at, 95), GpuHealth.FAILED, "xid-95"),
                rule(Signals::lost, GpuHealth.FAILED, Rules.GPU_LOST));
    }

    private static Arguments rule(Function<Instant, HealthSignal> signal, GpuHealth verdict, String rule) {
        return Arguments.of(rule, signal, verdict);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("everyRule")
    void everyRuleTurnsItsSignalIntoAHealthChangeAndACordonWhereItDrains(
            String rule, Function<Instant, HealthSignal> signal, GpuHealth verdict) {
        send(signal.apply(now()));

        List<GpuHealthChanged> changes = healthChanges();
        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.previous()).isEqualTo(GpuHealth.HEALTHY);
            assertThat(change.current()).isEqualTo(verdict);
            assertThat(change.rule()).isEqualTo(rule);
            assertThat(change.evidence()).containsKey("signal").containsKey("observedAt");
            assertThat(change.hostId()).isEqualTo(HOST);
        });
        List<GpuCordonChanged> cordoned = cordonChanges();
        if (verdict == GpuHealth.DRAINING || verdict == GpuHealth.FAILED) {
            assertThat(cordoned).singleElement().satisfies(cordon -> {
                assertThat(cordon.cordoned()).isTrue();
                assertThat(cordon.actor()).isEqualTo("policy:" + rule);
            });
            assertThat(drainRequests()).singleElement().satisfies(drain -> {
                assertThat(drain.health()).isEqualTo(verdict);
                assertThat(drain.rule()).isEqualTo(rule);
            });
        } else {
            assertThat(cordoned).isEmpty();
            assertThat(drainRequests()).isEmpty();
        }
        assertThat(stored().health()).isEqualTo(verdict);
    }

    @Test
    void aDoubleBitErrorFailsCordonsAndRequestsADrainOnce() {
        send(Signals.ecc(now(), 0, 1, 0));

        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.FAILED);
        assertThat(cordonChanges()).extracting(GpuCordonChanged::cordoned).containsExactly(true);
        List<DrainRequested> requested = drainRequests();
        assertThat(requested).hasSize(1);
        DrainRequested drain = requested.get(0);
        assertThat(drain.gpuUuid()).isEqualTo(GPU);
        assertThat(drain.hostId()).isEqualTo(HOST);
        assertThat(drain.health()).isEqualTo(GpuHealth.FAILED);
        assertThat(drain.rule()).isEqualTo(Rules.DOUBLE_BIT_ECC);
        assertThat(drain.requestedAt()).isEqualTo(now());
        assertThat(drain.drainId()).isEqualTo("drain-" + GPU + "-" + now().toEpochMilli());

        advance(Duration.ofSeconds(5));
        send(Signals.xid(now(), 48));
        send(Signals.ecc(now(), 0, 2, 0));
        assertThat(stored().health()).isEqualTo(GpuHealth.FAILED);
        assertThat(drainRequests()).as("already FAILED: no second drain").isEmpty();
        assertThat(cordonChanges()).isEmpty();
    }

    @Test
    void recordsCarryCloudEventsHeaders() {
        send(Signals.ecc(now(), 0, 1, 0));

        TestRecord<byte[], byte[]> record = health.readRecord();
        assertThat(header(record, CloudEventAttributes.TYPE)).isEqualTo(EventTypes.GPU_HEALTH_CHANGED.ceType());
        assertThat(header(record, CloudEventAttributes.SPEC_VERSION)).isEqualTo("1.0");
        assertThat(header(record, CloudEventAttributes.SOURCE)).isEqualTo("urn:vgpu:test");
        assertThat(header(record, CloudEventAttributes.ID)).isNotBlank();
        TestRecord<byte[], byte[]> cordon = cordons.readRecord();
        assertThat(header(cordon, CloudEventAttributes.TYPE)).isEqualTo(EventTypes.GPU_CORDON_CHANGED.ceType());
        TestRecord<byte[], byte[]> drain = drains.readRecord();
        assertThat(header(drain, CloudEventAttributes.TYPE)).isEqualTo(EventTypes.DRAIN_REQUESTED.ceType());
        assertThat(header(drain, CloudEventAttributes.SPEC_VERSION)).isEqualTo("1.0");
        assertThat(header(drain, CloudEventAttributes.ID)).isNotBlank();
        assertThat(new String(drain.key(), UTF_8)).isEqualTo(GPU);
    }

    @Test
    void correctedErrorsCountWithinTheWindowOnly() {
        send(Signals.ecc(now(), 60, 0, 60));
        advance(Duration.ofMinutes(61));
        send(Signals.ecc(now(), 100, 0, 40));
        assertThat(healthChanges()).as("61 minutes apart: two windows").isEmpty();

        advance(Duration.ofMinutes(30));
        send(Signals.ecc(now(), 160, 0, 60));
        assertThat(healthChanges()).singleElement().satisfies(change -> {
            assertThat(change.current()).isEqualTo(GpuHealth.DEGRADED);
            assertThat(change.evidence()).containsEntry("correctedInWindow", "100");
        });
    }

    @Test
    void theRateWindowSlidesOnThePunctuationAlone() {
        send(Signals.ecc(now(), 150, 0, 150));
        assertThat(healthChanges()).hasSize(1);

        advance(Duration.ofHours(1));
        assertThat(stored().findings()).isEmpty();
        assertThat(healthChanges()).as("hysteresis").isEmpty();
        advance(HYSTERESIS);
        assertThat(healthChanges()).singleElement()
                .satisfies(change -> assertThat(change.current()).isEqualTo(GpuHealth.HEALTHY));
    }

    @Test
    void aResetRecoversOnlyAfterTheHysteresisAndLiftsThePolicysCordon() {
        send(Signals.pages(now(), 1, 0, true));
        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.DRAINING);
        assertThat(cordonChanges()).extracting(GpuCordonChanged::cordoned).containsExactly(true);

        advance(Duration.ofMinutes(2));
        send(Signals.pages(now(), 0, 0, false));
        send(Signals.reset(now()));
        advance(HYSTERESIS.minusSeconds(1));
        assertThat(healthChanges()).as("still within the hysteresis").isEmpty();
        assertThat(stored().health()).isEqualTo(GpuHealth.DRAINING);

        advance(Duration.ofSeconds(1));
        assertThat(healthChanges()).singleElement().satisfies(change -> {
            assertThat(change.current()).isEqualTo(GpuHealth.HEALTHY);
            assertThat(change.rule()).isEqualTo(Rules.RECOVERED);
        });
        assertThat(cordonChanges()).singleElement().satisfies(cordon -> {
            assertThat(cordon.cordoned()).isFalse();
            assertThat(cordon.actor()).isEqualTo("policy:recovered");
        });
    }

    @Test
    void newEvidenceDuringTheHysteresisRestartsIt() {
        send(Signals.ecc(now(), 0, 1, 0));
        send(Signals.reset(now().plusMillis(1)));
        advance(Duration.ofMinutes(4));
        send(Signals.xid(now(), 95));
        send(Signals.reset(now().plusMillis(1)));
        advance(Duration.ofMinutes(2));
        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.FAILED);

        advance(Duration.ofMinutes(3));
        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.HEALTHY);
    }

    @Test
    void aFlappingPgpuIsHeldDegradedForTheFlapHold() {
        start(HealthPolicy.defaults().withFlapping(4, Duration.ofHours(1), Duration.ofMinutes(30)));
        for (int cycle = 0; cycle < 2; cycle++) {
            send(Signals.rows(now(), 0, 1, true, false));
            send(Signals.rows(now(), 0, 1, false, false));
            advance(HYSTERESIS);
        }
        assertThat(healthChanges()).extracting(GpuHealthChanged::current)
                .containsExactly(GpuHealth.DRAINING, GpuHealth.HEALTHY, GpuHealth.DRAINING, GpuHealth.HEALTHY);
        send(Signals.rows(now(), 0, 1, true, false));
        send(Signals.rows(now(), 0, 1, false, false));
        advance(HYSTERESIS);
        assertThat(healthChanges()).extracting(GpuHealthChanged::current, GpuHealthChanged::rule)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(GpuHealth.DRAINING, Rules.ROW_REMAP_PENDING),
                        org.assertj.core.groups.Tuple.tuple(GpuHealth.DEGRADED, Rules.FLAPPING));

        advance(Duration.ofMinutes(25).minusSeconds(1));
        assertThat(healthChanges()).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.HEALTHY);
    }

    @Test
    void anOperatorsCordonIsKeptThroughFailureAndRecovery() {
        send(new GpuCordonChanged(GPU, HOST, true, "fan noise", "operator", now()));
        send(Signals.xid(now(), 79));
        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.FAILED);
        assertThat(cordonChanges()).as("cordoned already, by the operator").isEmpty();

        send(Signals.reset(now().plusSeconds(1)));
        advance(HYSTERESIS.plusSeconds(1));
        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.HEALTHY);
        assertThat(cordonChanges()).as("the operator's cordon is the operator's to lift").isEmpty();
        assertThat(stored().cordon().actor()).isEqualTo("operator");
    }

    @Test
    void anUnreadableSignalIsDeadLetteredWithItsReasonAndTheNextOneIsRead() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventAttributes.SPEC_VERSION, "1.0".getBytes(UTF_8));
        headers.add(CloudEventAttributes.ID, "broken-1".getBytes(UTF_8));
        headers.add(CloudEventAttributes.TYPE, EventTypes.ECC_ERRORS_OBSERVED.ceType().getBytes(UTF_8));
        headers.add(CloudEventAttributes.SOURCE, "urn:test".getBytes(UTF_8));
        headers.add(CloudEventAttributes.TIME, T0.toString().getBytes(UTF_8));
        headers.add(CloudEventAttributes.SUBJECT, GPU.getBytes(UTF_8));
        signals.pipeInput(new TestRecord<>(GPU.getBytes(UTF_8), "{not json".getBytes(UTF_8), headers, now()));
        signals.pipeInput(new TestRecord<>(GPU.getBytes(UTF_8), "{}".getBytes(UTF_8), new RecordHeaders(), now()));
        send(Signals.xid(now(), 48));

        List<TestRecord<byte[], byte[]>> letters = signalLetters.readRecordsToList();
        assertThat(letters).hasSize(2);
        assertThat(header(letters.get(0), DeadLetters.REASON))
                .contains("payload is not a valid " + EventTypes.ECC_ERRORS_OBSERVED.ceType());
        assertThat(header(letters.get(0), DeadLetters.ORIGINAL_TOPIC)).isEqualTo(TopicCatalogue.HEALTH_SIGNALS.name());
        assertThat(header(letters.get(0), CloudEventAttributes.ID)).as("original headers kept").isEqualTo("broken-1");
        assertThat(letters.get(0).value()).isEqualTo("{not json".getBytes(UTF_8));
        assertThat(header(letters.get(1), DeadLetters.REASON)).contains(CloudEventAttributes.SPEC_VERSION);
        assertThat(deadLettered).hasSize(2);
        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.FAILED);
        assertThat(consumed).first().isEqualTo(EventTypes.XID_ERROR_OBSERVED.ceType());
    }

    @Test
    void anUnreadableCordonGoesToTheCordonDeadLetterTopic() {
        TestOutputTopic<byte[], byte[]> cordonLetters = driver.createOutputTopic(
                TopicCatalogue.deadLetterOf(TopicCatalogue.GPU_CORDONS).name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        cordonsIn.pipeInput(new TestRecord<>(GPU.getBytes(UTF_8), "[]".getBytes(UTF_8), new RecordHeaders(), now()));

        assertThat(cordonLetters.readRecordsToList()).singleElement().satisfies(letter ->
                assertThat(header(letter, DeadLetters.ORIGINAL_TOPIC)).isEqualTo(TopicCatalogue.GPU_CORDONS.name()));
    }

    @Test
    void theStateSurvivesInTheStoreAndAQuietPgpuWritesNothingOnTicks() {
        send(Signals.reset(now()));
        GpuHealthState first = stored();
        advance(Duration.ofMinutes(10));

        assertThat(first.health()).isEqualTo(GpuHealth.HEALTHY);
        assertThat(stored()).isEqualTo(first);
        assertThat(healthChanges()).isEmpty();
    }

    @Test
    void theFirstTickTellsTheListenerEveryStoredStateAndLaterTicksOnlyChanges() {
        send(Signals.reset(now()));
        send(Signals.reset(OTHER_GPU, now()));
        assertThat(heard).as("each new state").hasSize(2);
        heard.clear();

        advance(TICK);
        assertThat(heard).as("the first tick: every state of the store, restored ones alike")
                .extracting(GpuHealthState::gpuUuid).containsExactlyInAnyOrder(Signals.GPU, OTHER_GPU);
        heard.clear();

        advance(TICK);
        assertThat(heard).as("healthy pGPUs at rest: nothing to tell").isEmpty();
    }

    private static HostSnapshot host(EccMode ecc, Vgpu... vgpus) {
        return Snapshots.snapshot(HOST, T0, List.of(Snapshots.gpu(OTHER_GPU, "0000:3b:00.0", EccMode.ON),
                Snapshots.gpu(GPU, "0000:af:00.0", ecc)), List.of(vgpus));
    }

    @Test
    void aFailingPgpuThatHostsVgpusIsCordonedAndDrained() {
        send(host(EccMode.ON, Snapshots.vgpu(1, GPU, Snapshots.WORKSTATION_TYPE)));
        assertThat(stored().configuration().hostedVgpus()).isEqualTo(1);

        send(Signals.ecc(now(), 0, 1, 0));

        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.FAILED);
        assertThat(cordonChanges()).extracting(GpuCordonChanged::cordoned).containsExactly(true);
        assertThat(drainRequests()).singleElement().satisfies(drain ->
                assertThat(drain.drainId()).isEqualTo("drain-" + GPU + "-" + now().toEpochMilli()));
    }

    @Test
    void anEmptyFailingPgpuIsCordonedAndDrainedOnlyOnceAVgpuAppearsOnIt() {
        send(host(EccMode.ON));
        send(Signals.ecc(now(), 0, 1, 0));

        assertThat(healthChanges()).extracting(GpuHealthChanged::current).containsExactly(GpuHealth.FAILED);
        assertThat(cordonChanges()).extracting(GpuCordonChanged::cordoned).containsExactly(true);
        assertThat(drainRequests()).as("nothing to move").isEmpty();

        advance(Duration.ofSeconds(10));
        send(host(EccMode.ON));
        assertThat(drainRequests()).as("a heartbeat of the same host").isEmpty();
        send(host(EccMode.ON, Snapshots.vgpu(1, GPU, Snapshots.COMPUTE_TYPE)));
        assertThat(drainRequests()).singleElement().satisfies(drain -> {
            assertThat(drain.health()).isEqualTo(GpuHealth.FAILED);
            assertThat(drain.drainId()).isEqualTo("drain-" + GPU + "-" + now().toEpochMilli());
        });
        assertThat(healthChanges()).isEmpty();
    }

    @Test
    void eccOffUnderComputeVgpusDegradesWithoutCordonOrDrain() {
        send(host(EccMode.OFF, Snapshots.vgpu(1, GPU, Snapshots.COMPUTE_TYPE)));

        assertThat(healthChanges()).singleElement().satisfies(change -> {
            assertThat(change.current()).isEqualTo(GpuHealth.DEGRADED);
            assertThat(change.rule()).isEqualTo(Rules.ECC_DISABLED_FOR_COMPUTE);
            assertThat(change.hostId()).isEqualTo(HOST);
        });
        assertThat(cordonChanges()).isEmpty();
        assertThat(drainRequests()).isEmpty();

        send(host(EccMode.OFF, Snapshots.vgpu(1, GPU, Snapshots.WORKSTATION_TYPE)));
        advance(HYSTERESIS.plus(TICK));
        assertThat(healthChanges()).as("only workstation vGPUs now").extracting(GpuHealthChanged::rule)
                .containsExactly(Rules.RECOVERED);
    }

    @Test
    void everyPgpuOfASnapshotIsDescribedToItsOwnerWithDcgmLabels() {
        send(host(EccMode.ON));

        assertThat(described).extracting(GpuFacts::gpuUuid).containsExactlyInAnyOrder(OTHER_GPU, GPU);
        assertThat(described).filteredOn(facts -> facts.gpuUuid().equals(GPU)).singleElement().satisfies(facts -> {
            assertThat(facts.index()).isEqualTo(1);
            assertThat(facts.device()).isEqualTo("nvidia1");
            assertThat(facts.pciBusId()).isEqualTo("00000000:AF:00.0");
            assertThat(facts.model()).isEqualTo("Tesla T4");
        });
        assertThat(stored().health()).as("a pGPU known from its snapshot alone").isEqualTo(GpuHealth.HEALTHY);
    }

    @Test
    void aHeartbeatOfAnUnchangedHostSendsNoFactsAndAChangeSendsOnlyThePgpuThatChanged() {
        send(host(EccMode.ON));
        assertThat(described).hasSize(2);

        advance(Duration.ofSeconds(10));
        send(host(EccMode.ON));
        assertThat(described).as("heartbeat").hasSize(2);

        send(host(EccMode.ON, Snapshots.vgpu(1, GPU, Snapshots.WORKSTATION_TYPE)));
        assertThat(described).hasSize(3);
        assertThat(described.get(2).gpuUuid()).isEqualTo(GPU);
        assertThat(described.get(2).hostedVgpus()).isEqualTo(1);
    }

    @Test
    void anUnreadableSnapshotIsDeadLetteredAndTheNextOneIsRead() {
        TestOutputTopic<byte[], byte[]> snapshotLetters = driver.createOutputTopic(
                TopicCatalogue.deadLetterOf(TopicCatalogue.HOST_SNAPSHOTS).name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        snapshots.pipeInput(new TestRecord<>(HOST.getBytes(UTF_8), "{]".getBytes(UTF_8), new RecordHeaders(), now()));
        send(host(EccMode.ON));

        assertThat(snapshotLetters.readRecordsToList()).singleElement().satisfies(letter -> {
            assertThat(header(letter, DeadLetters.ORIGINAL_TOPIC)).isEqualTo(TopicCatalogue.HOST_SNAPSHOTS.name());
            assertThat(header(letter, DeadLetters.REASON)).isNotBlank();
            assertThat(letter.value()).isEqualTo("{]".getBytes(UTF_8));
        });
        assertThat(deadLettered).hasSize(1);
        assertThat(described).hasSize(2);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}
