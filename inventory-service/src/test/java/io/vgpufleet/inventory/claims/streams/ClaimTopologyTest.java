package io.vgpufleet.inventory.claims.streams;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ExtendClaim;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import io.vgpufleet.contracts.claims.ReserveClaimId;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.inventory.claims.ledger.Capacity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger topology whole in {@link TopologyTestDriver}: commands and snapshots in, claim changes, refusals and dead letters out. */
class ClaimTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String HOST = "topo-host";
    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final String GPU = "GPU-0000abcd-0000-4000-8000-000000000001";

    @TempDir
    Path stateDir;

    private final EventCodec codec = new EventCodec(Clock.fixed(T0, ZoneOffset.UTC), UUID::randomUUID, "urn:vgpu:test");
    private TopologyTestDriver driver;

    @BeforeEach
    void start() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "claim-topology-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ClaimTopology.build(codec, Duration.ofSeconds(1), RETENTION,
                new ClaimTopology.Listener() {}), config, T0);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(Object payload) {
        ProducerRecord<String, byte[]> record = codec.record(payload);
        driver.createInputTopic(record.topic(), new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(record.key().getBytes(UTF_8), record.value(), record.headers(), T0));
    }

    private List<ClaimChanged> changes() throws Exception {
        var out = driver.createOutputTopic(TopicCatalogue.CLAIMS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<ClaimChanged> changes = new java.util.ArrayList<>();
        for (var record : out.readRecordsToList()) {
            assertThat(new String(record.key(), UTF_8)).isNotBlank();
            changes.add(EventCodec.fromJson(EventTypes.CLAIM_CHANGED, record.value()));
        }
        return changes;
    }

    private List<ClaimCommandRefused> refusals() throws Exception {
        var out = driver.createOutputTopic(TopicCatalogue.CLAIM_REFUSALS.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<ClaimCommandRefused> refusals = new java.util.ArrayList<>();
        for (var record : out.readRecordsToList()) {
            refusals.add(EventCodec.fromJson(EventTypes.CLAIM_COMMAND_REFUSED, record.value()));
        }
        return refusals;
    }

    private static HostSnapshot snapshot(int available) {
        return snapshot(HOST, available);
    }

    private static HostSnapshot snapshot(String host, int available) {
        VgpuTypeCapacity type = new VgpuTypeCapacity("nvidia-232", "GRID T4-4Q", VgpuClass.Q, 4096, 4, available, 1, 60,
                "4096x2160", "vfio-pci", null);
        PhysicalGpu gpu = new PhysicalGpu(GPU, "0000:3b:00.0", "Tesla T4", 16384, 0, "0-15", EccMode.OFF, HostKind.MDEV,
                false, NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"), List.of(type), List.of());
        return new HostSnapshot(host, 1, T0, "test", HostKind.MDEV, new VgpuManagerStatus(true, "550.54.16", List.of()),
                List.of(gpu), List.of());
    }

    private static ClaimCapacity claim(String claimId, int ttl) {
        return claim(HOST, claimId, ttl);
    }

    private static ClaimCapacity claim(String host, String claimId, int ttl) {
        return new ClaimCapacity("cmd-" + claimId, claimId, host, "vm-1", "test", ttl,
                List.of(new ClaimItem(GPU, "0000:3b:00.0", "nvidia-232", UUID.randomUUID().toString(), 0)), T0);
    }

    @Test
    void aClaimIdReservedForOneHostIsRefusedOnAnotherUntilItsClaimIsReleased() throws Exception {
        send(snapshot("host-a", 2));
        send(snapshot("host-b", 2));
        ClaimCapacity onA = new ClaimCapacity("cmd-a", "c-dup", "host-a", "vm-1", "test", 60, claim("x", 60).items(), T0);
        ClaimCapacity onB = new ClaimCapacity("cmd-b", "c-dup", "host-b", "vm-1", "test", 60, claim("x", 60).items(), T0);

        send(new ReserveClaimId(onA));
        send(new ReserveClaimId(onB));

        assertThat(changes()).extracting(ClaimChanged::hostId, ClaimChanged::state, ClaimChanged::commandId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("host-a", ClaimState.GRANTED, "cmd-a"));
        assertThat(refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.commandId()).isEqualTo("cmd-b");
            assertThat(refusal.reasons().get(0).code()).isEqualTo("CLAIM_ID_HELD");
            assertThat(refusal.reasons().get(0).detail()).contains("granted on host host-a");
        });

        // a retry on the reserved host is answered by its ledger with the claim it holds
        send(new ReserveClaimId(new ClaimCapacity("cmd-a2", "c-dup", "host-a", "vm-1", "test", 60, onA.items(), T0)));
        assertThat(changes()).extracting(ClaimChanged::hostId, ClaimChanged::state, ClaimChanged::commandId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("host-a", ClaimState.GRANTED, "cmd-a2"));

        send(new ReleaseClaim("cmd-rel", "c-dup", "host-a", "test", T0));
        assertThat(changes()).extracting(ClaimChanged::state).containsExactly(ClaimState.RELEASED);
        send(new ReserveClaimId(new ClaimCapacity("cmd-b2", "c-dup", "host-b", "vm-1", "test", 60, onB.items(), T0)));
        assertThat(changes()).extracting(ClaimChanged::hostId, ClaimChanged::state, ClaimChanged::commandId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("host-b", ClaimState.GRANTED, "cmd-b2"));
    }

    @Test
    void aClaimIdRefusedByItsHostsLedgerIsFreeForTheNextHost() throws Exception {
        send(snapshot("host-a", 0));
        send(snapshot("host-b", 1));

        send(new ReserveClaimId(new ClaimCapacity("cmd-a", "c-free", "host-a", "vm-1", "test", 60, claim("x", 60).items(), T0)));
        assertThat(refusals()).singleElement().satisfies(refusal ->
                assertThat(refusal.reasons().get(0).code()).isEqualTo("NO_CAPACITY"));
        send(new ReserveClaimId(new ClaimCapacity("cmd-b", "c-free", "host-b", "vm-1", "test", 60, claim("x", 60).items(), T0)));

        assertThat(changes()).extracting(ClaimChanged::hostId, ClaimChanged::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("host-b", ClaimState.GRANTED));
    }

    @Test
    void deadLettersAReservationKeyedByAnotherClaimId() throws Exception {
        ProducerRecord<String, byte[]> record = codec.record(new ReserveClaimId(claim("c-key", 60)));
        driver.createInputTopic(record.topic(), new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>("c-other".getBytes(UTF_8), record.value(), record.headers(), T0));
        driver.createInputTopic(record.topic(), new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>("c-bad".getBytes(UTF_8), "{not json".getBytes(UTF_8), record.headers(), T0));

        var letters = driver.createOutputTopic(TopicCatalogue.deadLetterOf(TopicCatalogue.CLAIM_RESERVATIONS).name(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
        assertThat(letters).hasSize(2);
        assertThat(new String(letters.get(0).headers().lastHeader(DeadLetters.REASON).value(), UTF_8))
                .contains("not the claim's claimId");
        assertThat(changes()).isEmpty();
    }

    @Test
    void grantsUpToTheSnapshotsCapacityRefusesTheRestAndExpiresByWallClock() throws Exception {
        send(snapshot(2));
        send(claim("c1", 60));
        send(claim("c2", 600));
        send(claim("c3", 60));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state, ClaimChanged::commandId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", ClaimState.GRANTED, "cmd-c1"),
                        org.assertj.core.groups.Tuple.tuple("c2", ClaimState.GRANTED, "cmd-c2"));
        assertThat(refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.commandId()).isEqualTo("cmd-c3");
            assertThat(refusal.reasons()).extracting(ClaimCommandRefused.Reason::code).containsExactly("NO_CAPACITY");
        });

        driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", ClaimState.EXPIRED));
        send(claim("c4", 60));
        assertThat(changes()).extracting(ClaimChanged::claimId).containsExactly("c4");
        send(new ReleaseClaim("cmd-r", "c2", HOST, "done", T0));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c2", ClaimState.RELEASED));
        assertThat(indexed()).singleElement().asString().endsWith("|c4");
    }

    @Test
    void anExtendedClaimIsIndexedAtItsNewExpiryOnlyAndExpiresThen() throws Exception {
        send(snapshot(2));
        send(claim("c1", 60));
        send(claim("c2", 60));
        assertThat(changes()).hasSize(2);
        send(new ExtendClaim("cmd-x", "c1", HOST, 600, T0));
        assertThat(changes()).singleElement().satisfies(change -> assertThat(change.claimId()).isEqualTo("c1"));
        assertThat(indexed()).hasSize(2).anySatisfy(key -> assertThat(key).endsWith("|c2"))
                .anySatisfy(key -> assertThat(key).endsWith("|c1"));
        String c1Key = indexed().stream().filter(key -> key.endsWith("|c1")).findFirst().orElseThrow();

        driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c2", ClaimState.EXPIRED));
        assertThat(indexed()).containsExactly(c1Key);
        driver.advanceWallClockTime(Duration.ofSeconds(540));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", ClaimState.EXPIRED));
        assertThat(indexed()).isEmpty();
    }

    @Test
    void expiryKeysSortByTimeThenClaimId() {
        assertThat(ClaimTopology.expiryKey(Instant.ofEpochMilli(5), "c")).isEqualTo("0000000000000000005|c");
        assertThat(ClaimTopology.expiryKey(Instant.ofEpochMilli(-7), "c")).isEqualTo("0000000000000000000|c");
        assertThat(ClaimTopology.expiryKey(Instant.ofEpochMilli(Long.MAX_VALUE), "")).isEqualTo(Long.MAX_VALUE + "|");
        List<String> keys = new java.util.ArrayList<>(List.of(ClaimTopology.expiryKey(Instant.ofEpochMilli(10), "a"),
                ClaimTopology.expiryKey(Instant.ofEpochMilli(9), "b"), ClaimTopology.expiryKey(Instant.ofEpochMilli(9), "a")));
        java.util.Collections.sort(keys);
        assertThat(keys).containsExactly("0000000000000000009|a", "0000000000000000009|b", "0000000000000000010|a");
    }

    private List<String> indexed() {
        List<String> keys = new java.util.ArrayList<>();
        try (var all = driver.<String, String>getKeyValueStore(ClaimTopology.EXPIRIES).all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    @Test
    void aFinalClaimIsTombstonedOnceItsRetentionHasPassedAndNotBefore() throws Exception {
        send(snapshot(2));
        send(claim("c1", 60));
        send(claim("c2", 60));
        send(new ReleaseClaim("cmd-r", "c1", HOST, "done", T0));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("c1", ClaimState.GRANTED),
                org.assertj.core.groups.Tuple.tuple("c2", ClaimState.GRANTED),
                org.assertj.core.groups.Tuple.tuple("c1", ClaimState.RELEASED));
        var claims = driver.createOutputTopic(TopicCatalogue.CLAIMS.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());

        driver.advanceWallClockTime(RETENTION.minusSeconds(5));
        // c2 expires at this punctuation (final from now on, not yet a tombstone); c1 is still retained
        assertThat(claims.readRecordsToList()).singleElement().satisfies(record -> {
            assertThat(new String(record.key(), UTF_8)).isEqualTo("c2");
            assertThat(record.value()).isNotNull();
        });

        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(claims.readRecordsToList()).singleElement().satisfies(record -> {
            assertThat(new String(record.key(), UTF_8)).isEqualTo("c1");
            assertThat(record.value()).isNull();
        });
        driver.advanceWallClockTime(RETENTION);
        assertThat(claims.readRecordsToList()).singleElement().satisfies(record -> {
            assertThat(new String(record.key(), UTF_8)).isEqualTo("c2");
            assertThat(record.value()).isNull();
        });
        try (var all = driver.<String, String>getKeyValueStore(ClaimTopology.FINALS).all()) {
            assertThat(all.hasNext()).isFalse();
        }
    }

    @Test
    void storesEachActiveClaimUnderItsHostAndForgetsItWhenItEnds() throws Exception {
        send(snapshot(3));
        send(claim("c1", 600));
        send(claim("c2", 600));
        send(claim("c3", 600));
        send(new ReleaseClaim("cmd-r", "c2", HOST, "done", T0));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("c1", ClaimState.GRANTED),
                org.assertj.core.groups.Tuple.tuple("c2", ClaimState.GRANTED),
                org.assertj.core.groups.Tuple.tuple("c3", ClaimState.GRANTED),
                org.assertj.core.groups.Tuple.tuple("c2", ClaimState.RELEASED));
        List<String> stored = new java.util.ArrayList<>();
        try (var all = driver.<String, ClaimChanged>getKeyValueStore(ClaimTopology.ACTIVE).all()) {
            all.forEachRemaining(entry -> stored.add(entry.key + "=" + entry.value.state()));
        }
        assertThat(stored).containsExactly(HOST + "|c1=GRANTED", HOST + "|c3=GRANTED");
        assertThat(driver.<String, Object>getKeyValueStore(ClaimTopology.CAPACITIES).get(HOST)).isNotNull();

    }

    @Test
    void aLedgerNotHeldInMemoryIsRebuiltFromItsCapacityAndItsOwnClaimsOnly() throws Exception {
        // what a restored task finds: stores written before (here by hand), no ledger object in memory yet
        String host = "seeded-host";
        var capacities = driver.<String, Capacity>getKeyValueStore(ClaimTopology.CAPACITIES);
        capacities.put(host, Capacity.of(snapshot(host, 3)));
        var active = driver.<String, ClaimChanged>getKeyValueStore(ClaimTopology.ACTIVE);
        active.put(host + "|c1", granted(host, "c1"));
        active.put(host + "|c2", granted(host, "c2"));
        // another host whose id starts with this one's: its claims are not this host's
        active.put(host + "x|c9", granted(host + "x", "c9"));

        send(claim(host, "c3", 600));
        send(claim(host, "c4", 600));
        send(claim(host, "c1", 600));
        assertThat(changes()).extracting(ClaimChanged::claimId, ClaimChanged::state, ClaimChanged::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c3", ClaimState.GRANTED, "granted"),
                        org.assertj.core.groups.Tuple.tuple("c1", ClaimState.GRANTED,
                                "repeated request: the claim as it is"));
        assertThat(refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.claimId()).isEqualTo("c4");
            assertThat(refusal.reasons()).extracting(ClaimCommandRefused.Reason::code).containsExactly("NO_CAPACITY");
        });
    }

    private static ClaimChanged granted(String host, String claimId) {
        return new ClaimChanged(claimId, ClaimState.GRANTED, null, host, "vm-1", "test",
                List.of(new ClaimItem(GPU, "0000:3b:00.0", "nvidia-232", UUID.randomUUID().toString(), 0)), T0,
                T0.plusSeconds(600), T0, "cmd-" + claimId, "granted");
    }

    @Test
    void deadLettersAnUnreadableCommandAndOneKeyedByAnotherHostAndGoesOn() throws Exception {
        var requests = driver.createInputTopic(TopicCatalogue.CLAIM_REQUESTS.name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        ProducerRecord<String, byte[]> good = codec.record(claim("c1", 60));
        requests.pipeInput(new TestRecord<>(HOST.getBytes(UTF_8), "{nope".getBytes(UTF_8), good.headers(), T0));
        requests.pipeInput(new TestRecord<>("elsewhere".getBytes(UTF_8), good.value(), good.headers(), T0));
        var letters = driver.createOutputTopic(TopicCatalogue.deadLetterOf(TopicCatalogue.CLAIM_REQUESTS).name(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
        assertThat(letters).hasSize(2);
        assertThat(new String(letters.get(1).headers().lastHeader(DeadLetters.REASON).value(), UTF_8))
                .contains("not the command's hostId");
        send(snapshot(1));
        send(claim("c2", 60));
        assertThat(changes()).extracting(ClaimChanged::claimId).containsExactly("c2");
    }
}
