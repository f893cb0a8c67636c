package io.vgpufleet.inventory.claims.streams;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimCommand;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ExtendClaim;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import io.vgpufleet.contracts.claims.ReserveClaimId;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.Envelope;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.inventory.claims.ledger.Capacity;
import io.vgpufleet.inventory.claims.ledger.ClaimIdReservation;
import io.vgpufleet.inventory.claims.ledger.HostLedger;
import io.vgpufleet.service.messaging.JsonStoreSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim ledgers as a Kafka Streams topology:
 *
 * <pre>
 * vgpu.inventory.claim-requests.v1 --+                                     +--> vgpu.inventory.claims.v1 (by claim id)
 *                                    +--> ledger (stores claim-capacities, +--> vgpu.inventory.claim-refusals.v1
 * vgpu.agent.host-snapshots.v1 ------+     claim-active, claim-expiries,   +--> vgpu.inventory.claim-requests.v1.dlq
 *                                          claim-finals; punctuate)
 *
 * vgpu.inventory.claim-reservations.v1 --+                                  +--> vgpu.inventory.claim-requests.v1 (by host)
 * vgpu.inventory.claims.v1 --------------+--> reservations (store           +--> vgpu.inventory.claim-refusals.v1
 * vgpu.inventory.claim-refusals.v1 ------+     claim-id-reservations)       +--> vgpu.inventory.claim-reservations.v1.dlq
 * </pre>
 *
 * A claim reaches its host's ledger through its claim id's reservation: the three inputs of the reservation
 * step are keyed by claim id (same partition count), so one task sees every request, grant, end and refusal
 * of an id, in order, and lets a claim id be claimed on one host at a time ({@link ClaimIdReservation}); a
 * request for an id reserved for another host is refused there, in the same transaction that would have sent
 * it on. The ledger's inputs are keyed by host id with the same partition count, so one task owns a host's snapshot,
 * commands and ledger, and handles them one at a time: that is what makes a grant atomic. A host's ledger
 * is stored as its capacity ({@code claim-capacities}) and one record per active claim
 * ({@code claim-active}, {@code <host id>|<claim id>}), so a command writes only what it changed. The
 * {@code claim-expiries} store indexes GRANTED claims by expiry ({@code <epoch millis, 19 digits>|<claim id>}
 * to host id) so the wall-clock punctuation reads only the claims due. A claim command that cannot be
 * read, or whose record key is not its host id (it would sit in another host's partition), is
 * dead-lettered with the reason and processing goes on. An unreadable snapshot is skipped here: the fleet
 * view's binding reads the same topic and dead-letters it (one dead letter per reader would be noise).
 */
public final class ClaimTopology {

    /** Host id to the {@link Capacity} its latest snapshot gives. */
    public static final String CAPACITIES = "claim-capacities";
    /**
     * One record per active claim, {@code <host id>|<claim id>} to its {@link ClaimChanged}: a command writes the
     * claim it changed, not the host's whole ledger (host ids cannot hold {@code |}, so a prefix scan on
     * {@code <host id>|} reads exactly one host's claims).
     */
    public static final String ACTIVE = "claim-active";
    public static final String EXPIRIES = "claim-expiries";
    public static final String FINALS = "claim-finals";
    /** Claim id to its {@link ClaimIdReservation}: the host it may be claimed on. */
    public static final String RESERVATIONS = "claim-id-reservations";
    /** How long a final (RELEASED, EXPIRED) claim stays in the claim topic and the directories by default. */
    public static final Duration DEFAULT_FINAL_RETENTION = Duration.ofHours(24);
    static final String REQUESTS = "claim-requests";
    static final String SNAPSHOTS = "claim-host-snapshots";
    static final String LEDGER = "ledger";
    static final String CLAIMS_OUT = "claims-out";
    static final String REFUSALS_OUT = "claim-refusals-out";
    static final String DEAD_LETTERS = "dead-letters";
    static final String RESERVATION_REQUESTS = "claim-reservation-requests";
    static final String RESERVATION_CLAIMS = "claim-reservation-claims";
    static final String RESERVATION_REFUSALS = "claim-reservation-refusals";
    static final String RESERVER = "reserver";
    static final String RESERVED_OUT = "reserved-claims-out";
    static final String RESERVATION_REFUSALS_OUT = "reservation-refusals-out";
    static final String RESERVATION_DEAD_LETTERS = "reservation-dead-letters";

    private static final Logger log = LoggerFactory.getLogger(ClaimTopology.class);

    /** What the topology reports as it goes (metrics); no-ops by default. */
    public interface Listener {

        default void changed(ClaimChanged change) {}

        default void refused(String ceType) {}

        default void deadLettered(String topic, String reason) {}

        /** A final claim's retention passed: its tombstone was sent. */
        default void tombstoned() {}

        /** A claim command produced at {@code producedAtMs} (its record timestamp) is being decided now. */
        default void commandTaken(long producedAtMs, long nowMs) {}
    }

    private ClaimTopology() {}

    public static Topology build(EventCodec codec, Duration expiryInterval, Listener listener) {
        return build(codec, expiryInterval, DEFAULT_FINAL_RETENTION, listener);
    }

    /**
     * The topology; a claim that became final (RELEASED, EXPIRED) is tombstoned in the claim topic once
     * {@code finalRetention} has passed (checked at the expiry punctuation), so the compacted topic and every
     * instance's directory drop it; until then it is answered as it ended.
     */
    public static Topology build(EventCodec codec, Duration expiryInterval, Duration finalRetention, Listener listener) {
        if (finalRetention.isNegative()) {
            throw new IllegalArgumentException("finalRetention must not be negative, was " + finalRetention);
        }
        Topology topology = new Topology();
        topology.addSource(REQUESTS, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                TopicCatalogue.CLAIM_REQUESTS.name());
        topology.addSource(SNAPSHOTS, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                TopicCatalogue.HOST_SNAPSHOTS.name());
        topology.addProcessor(LEDGER, () -> new LedgerProcessor(codec, expiryInterval, finalRetention, listener), REQUESTS,
                SNAPSHOTS);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CAPACITIES), Serdes.String(),
                        new JsonStoreSerde<>(Capacity.class, "host capacity in a claim ledger store"))
                .withLoggingEnabled(Map.of()), LEDGER);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ACTIVE), Serdes.String(),
                        new JsonStoreSerde<>(ClaimChanged.class, "active claim in a claim ledger store"))
                .withLoggingEnabled(Map.of()), LEDGER);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(EXPIRIES), Serdes.String(), Serdes.String())
                .withLoggingEnabled(Map.of()), LEDGER);
        // final claims by when they became final (expiryKey layout) to host id: what to tombstone when
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(FINALS), Serdes.String(), Serdes.String())
                .withLoggingEnabled(Map.of()), LEDGER);
        Serializer<Outbound> bytes = (topic, outbound) -> outbound.value();
        topology.addSink(CLAIMS_OUT, TopicCatalogue.CLAIMS.name(), new ByteArraySerializer(), bytes, LEDGER);
        topology.addSink(REFUSALS_OUT, TopicCatalogue.CLAIM_REFUSALS.name(), new ByteArraySerializer(), bytes, LEDGER);
        topology.addSink(DEAD_LETTERS, (key, value, context) -> value.topic(), new ByteArraySerializer(), bytes,
                new SamePartition(), LEDGER);

        // the reservation step: its own sinks, so that it stays a sub-topology (tasks) of its own
        topology.addSource(RESERVATION_REQUESTS, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                TopicCatalogue.CLAIM_RESERVATIONS.name());
        topology.addSource(RESERVATION_CLAIMS, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                TopicCatalogue.CLAIMS.name());
        topology.addSource(RESERVATION_REFUSALS, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                TopicCatalogue.CLAIM_REFUSALS.name());
        topology.addProcessor(RESERVER, () -> new ReservationProcessor(codec, listener), RESERVATION_REQUESTS,
                RESERVATION_CLAIMS, RESERVATION_REFUSALS);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RESERVATIONS), Serdes.String(),
                        new JsonStoreSerde<>(ClaimIdReservation.class, "claim id reservation store"))
                .withLoggingEnabled(Map.of()), RESERVER);
        topology.addSink(RESERVED_OUT, TopicCatalogue.CLAIM_REQUESTS.name(), new ByteArraySerializer(), bytes, RESERVER);
        topology.addSink(RESERVATION_REFUSALS_OUT, TopicCatalogue.CLAIM_REFUSALS.name(), new ByteArraySerializer(),
                bytes, RESERVER);
        topology.addSink(RESERVATION_DEAD_LETTERS, (key, value, context) -> value.topic(), new ByteArraySerializer(),
                bytes, new SamePartition(), RESERVER);
        return topology;
    }

    /** The {@link #ACTIVE} store's key of a claim. */
    static String activeKey(String hostId, String claimId) {
        return hostId + '|' + claimId;
    }

    /** The expiry index key: epoch millis zero-padded so that keys sort by time, then the claim id. */
    static String expiryKey(Instant expiresAt, String claimId) {
        String millis = Long.toString(Math.max(0, expiresAt.toEpochMilli()));
        StringBuilder key = new StringBuilder(EXPIRY_MILLIS_DIGITS + 1 + claimId.length());
        for (int pad = millis.length(); pad < EXPIRY_MILLIS_DIGITS; pad++) {
            key.append('0');
        }
        return key.append(millis).append('|').append(claimId).toString();
    }

    /** Digits of {@link Long#MAX_VALUE}: every expiry key's time has as many, so that keys sort by time. */
    private static final int EXPIRY_MILLIS_DIGITS = 19;

    /** A value on its way out; {@code partition} is the dead letter's original partition, or -1 (by key). */
    record Outbound(String topic, byte @Nullable [] value, int partition) {}

    /** A dead letter keeps its record's partition; the dead-letter topic has the same partition count. */
    static final class SamePartition implements StreamPartitioner<byte[], Outbound> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, Outbound value, int partitions) {
            return value.partition() >= 0 && value.partition() < partitions
                    ? Optional.of(Set.of(value.partition()))
                    : Optional.empty();
        }
    }

    /** Encodes a contracts payload and forwards it to {@code sink}, keyed as the contracts key it. */
    static void forward(ProcessorContext<byte[], Outbound> context, EventCodec codec, String sink, Object payload,
            long timestamp) {
        ProducerRecord<String, byte[]> out = codec.record(payload);
        context.forward(new Record<>(out.key().getBytes(UTF_8), new Outbound(out.topic(), out.value(), -1),
                timestamp, out.headers()), sink);
    }

    /** Copies a record with the reason to its topic's dead-letter topic, through {@code sink}, at its partition. */
    static void deadLetter(ProcessorContext<byte[], Outbound> context, Listener listener, String sink,
            Record<byte[], byte[]> record, RecordMetadata metadata, String reason) {
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>(metadata.topic(), metadata.partition(),
                metadata.offset(), record.timestamp(), TimestampType.CREATE_TIME, -1, -1, record.key(),
                record.value(), new RecordHeaders(record.headers().toArray()), Optional.empty());
        ProducerRecord<byte[], byte[]> letter = DeadLetters.of(consumed, new IllegalArgumentException(reason));
        log.warn("dead-lettering {}-{}@{}: {}", metadata.topic(), metadata.partition(), metadata.offset(), reason);
        listener.deadLettered(metadata.topic(), reason);
        context.forward(new Record<>(letter.key(), new Outbound(letter.topic(), letter.value(), letter.partition()),
                record.timestamp(), letter.headers()), sink);
    }

    static final class LedgerProcessor implements Processor<byte[], byte[], byte[], Outbound> {

        private final EventCodec codec;
        private final Duration expiryInterval;
        private final Duration finalRetention;
        private final Listener listener;
        private @Nullable ProcessorContext<byte[], Outbound> context;
        private @Nullable KeyValueStore<String, Capacity> capacities;
        private @Nullable KeyValueStore<String, ClaimChanged> active;
        private @Nullable KeyValueStore<String, String> expiries;
        private @Nullable KeyValueStore<String, String> finals;
        /**
         * The ledgers this task has read or written, as objects: the stores hold a host's capacity and each of
         * its claims as JSON, and rebuilding a host's ledger at every command (up to 128 claims on a packed
         * host) would cost more than deciding the command. Written through on every change; cleared at every
         * init, so a task revived after an aborted transaction reads the stores again.
         */
        private final Map<String, HostLedger> cached = new java.util.HashMap<>();

        LedgerProcessor(EventCodec codec, Duration expiryInterval, Duration finalRetention, Listener listener) {
            this.codec = codec;
            this.expiryInterval = expiryInterval;
            this.finalRetention = finalRetention;
            this.listener = listener;
        }

        @Override
        public void init(ProcessorContext<byte[], Outbound> processorContext) {
            this.context = processorContext;
            this.capacities = processorContext.getStateStore(CAPACITIES);
            this.active = processorContext.getStateStore(ACTIVE);
            this.expiries = processorContext.getStateStore(EXPIRIES);
            this.finals = processorContext.getStateStore(FINALS);
            this.cached.clear();
            processorContext.schedule(expiryInterval, PunctuationType.WALL_CLOCK_TIME, this::expire);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata metadata = context().recordMetadata().orElseThrow();
            boolean command = metadata.topic().equals(TopicCatalogue.CLAIM_REQUESTS.name());
            Envelope<?> envelope;
            try {
                envelope = codec.decode(metadata.topic(), record.headers(), record.value());
            } catch (MalformedRecordException e) {
                if (command) {
                    deadLetter(record, metadata, e.getMessage());
                } else {
                    log.debug("skipping unreadable snapshot {}-{}@{} (the fleet view dead-letters it): {}",
                            metadata.topic(), metadata.partition(), metadata.offset(), e.getMessage());
                }
                return;
            }
            String key = record.key() == null ? "" : new String(record.key(), UTF_8);
            Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
            if (envelope.payload() instanceof ClaimCommand claimCommand) {
                if (!claimCommand.hostId().equals(key)) {
                    deadLetter(record, metadata, "record key '" + io.vgpufleet.contracts.Checks.printable(key)
                            + "' is not the command's hostId " + claimCommand.hostId()
                            + ": a claim must be keyed by its host to be serialised with the host's other claims");
                    return;
                }
                listener.commandTaken(record.timestamp(), context().currentSystemTimeMs());
                HostLedger before = ledger(claimCommand.hostId());
                String ceType = envelope.type().ceType();
                HostLedger.Outcome outcome;
                if (claimCommand instanceof ClaimCapacity claim) {
                    outcome = before.claim(claim, ceType, now);
                } else if (claimCommand instanceof ReleaseClaim release) {
                    outcome = before.release(release, ceType, now);
                } else {
                    outcome = before.extend((ExtendClaim) claimCommand, ceType, now);
                }
                commit(before, outcome, record.timestamp());
                outcome.refusal().ifPresent(refusal -> {
                    listener.refused(ceType);
                    forward(REFUSALS_OUT, refusal, record.timestamp());
                });
            } else if (envelope.payload() instanceof HostSnapshot snapshot) {
                if (!snapshot.hostId().equals(key)) {
                    log.debug("skipping snapshot of {} keyed '{}'", snapshot.hostId(), key);
                    return;
                }
                HostLedger before = ledger(snapshot.hostId());
                commit(before, before.snapshot(snapshot, now), record.timestamp());
            } else if (command) {
                deadLetter(record, metadata, "ce_type " + envelope.type().ceType() + " is not a claim command");
            }
        }

        private void expire(long timestamp) {
            Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
            String upTo = expiryKey(now, "~");
            List<KeyValue<String, String>> due = new ArrayList<>();
            try (KeyValueIterator<String, String> range = expiries().range(expiryKey(Instant.EPOCH, ""), upTo)) {
                range.forEachRemaining(due::add);
            }
            for (KeyValue<String, String> entry : due) {
                HostLedger before = ledger(entry.value);
                commit(before, before.expire(now), timestamp);
                // the claim due has expired and left the index; an entry left over (a ledger gone) goes too
                if (expiries().get(entry.key) != null) {
                    expiries().delete(entry.key);
                }
            }
            tombstoneFinals(now, timestamp);
        }

        /** Tombstones the claims final for longer than the retention, oldest first. */
        private void tombstoneFinals(Instant now, long timestamp) {
            if (finalRetention.isZero()) {
                // zero keeps final claims for ever (the behaviour before retention existed)
                return;
            }
            List<String> due = new ArrayList<>();
            try (KeyValueIterator<String, String> range = finals().range(expiryKey(Instant.EPOCH, ""),
                    expiryKey(now.minus(finalRetention), "~"))) {
                range.forEachRemaining(entry -> due.add(entry.key));
            }
            for (String key : due) {
                String claimId = key.substring(key.indexOf('|') + 1);
                String hostId = finals().get(key);
                HostLedger ledger = hostId == null ? null : ledger(hostId);
                if (ledger != null && ledger.claim(claimId).isPresent()) {
                    // the id was claimed again on this host meanwhile: its record is the new claim's
                    finals().delete(key);
                    continue;
                }
                context().forward(new Record<>(claimId.getBytes(UTF_8),
                        new Outbound(TopicCatalogue.CLAIMS.name(), null, -1), timestamp), CLAIMS_OUT);
                finals().delete(key);
                listener.tombstoned();
            }
        }

        private HostLedger ledger(String hostId) {
            HostLedger held = cached.get(hostId);
            if (held == null) {
                held = read(hostId);
                cached.put(hostId, held);
            }
            return held;
        }

        /** A host's ledger from the stores: its capacity and its claims (a prefix scan), oldest first. */
        private HostLedger read(String hostId) {
            Capacity capacity = capacities().get(hostId);
            List<ClaimChanged> claims = new ArrayList<>();
            try (KeyValueIterator<String, ClaimChanged> range = active().prefixScan(activeKey(hostId, ""),
                    new StringSerializer())) {
                range.forEachRemaining(entry -> claims.add(entry.value));
            }
            claims.sort(Comparator.comparing(ClaimChanged::createdAt).thenComparing(ClaimChanged::claimId));
            return new HostLedger(hostId, capacity, claims);
        }

        private void commit(HostLedger before, HostLedger.Outcome outcome, long timestamp) {
            HostLedger after = outcome.ledger();
            if (after != before) {
                store(before, after);
                cached.put(after.hostId(), after);
            }
            for (ClaimChanged change : outcome.changes()) {
                listener.changed(change);
                forward(CLAIMS_OUT, change, timestamp);
                if (!change.state().active()) {
                    finals().put(expiryKey(change.changedAt(), change.claimId()), change.hostId());
                }
            }
        }

        /**
         * Writes what changed from one ledger to the next: its capacity when a snapshot replaced it, each claim
         * added or changed (a claim the operation did not touch is the same object in both), each claim gone,
         * and the expiry index entries of the GRANTED claims among those. A command thus writes one small
         * record per claim it changed, not the host's whole ledger, and looks at the claims it did not touch
         * only to see that they are the same objects: with PACK a host holds up to 128 claims.
         */
        private void store(HostLedger before, HostLedger after) {
            String hostId = after.hostId();
            if (after.capacity() != before.capacity() && after.capacity() != null) {
                capacities().put(hostId, after.capacity());
            }
            Map<String, ClaimChanged> gone = new HashMap<>();
            for (ClaimChanged claim : before.claims()) {
                gone.put(claim.claimId(), claim);
            }
            for (ClaimChanged claim : after.claims()) {
                ClaimChanged was = gone.remove(claim.claimId());
                if (was != claim) {
                    active().put(activeKey(hostId, claim.claimId()), claim);
                    reindex(hostId, was, claim);
                }
            }
            for (ClaimChanged claim : gone.values()) {
                active().delete(activeKey(hostId, claim.claimId()));
                reindex(hostId, claim, null);
            }
        }

        /**
         * Keeps the expiry index in step for one claim that changed: the old entry out when the claim was
         * GRANTED and no longer is, or is with another expiry (extended); the new one in. Only the difference
         * is written: every write is a changelog record in the transaction.
         */
        private void reindex(String hostId, @Nullable ClaimChanged was, @Nullable ClaimChanged now) {
            Instant wasDue = was != null && was.state() == ClaimState.GRANTED ? was.expiresAt() : null;
            Instant nowDue = now != null && now.state() == ClaimState.GRANTED ? now.expiresAt() : null;
            if (java.util.Objects.equals(wasDue, nowDue)) {
                return;
            }
            if (wasDue != null) {
                expiries().delete(expiryKey(wasDue, was.claimId()));
            }
            if (nowDue != null) {
                expiries().put(expiryKey(nowDue, now.claimId()), hostId);
            }
        }

        private void forward(String sink, Object payload, long timestamp) {
            ClaimTopology.forward(context(), codec, sink, payload, timestamp);
        }

        private void deadLetter(Record<byte[], byte[]> record, RecordMetadata metadata, String reason) {
            ClaimTopology.deadLetter(context(), listener, DEAD_LETTERS, record, metadata, reason);
        }

        private ProcessorContext<byte[], Outbound> context() {
            return java.util.Objects.requireNonNull(context, "init not called");
        }

        private KeyValueStore<String, Capacity> capacities() {
            return java.util.Objects.requireNonNull(capacities, "init not called");
        }

        private KeyValueStore<String, ClaimChanged> active() {
            return java.util.Objects.requireNonNull(active, "init not called");
        }

        private KeyValueStore<String, String> expiries() {
            return java.util.Objects.requireNonNull(expiries, "init not called");
        }

        private KeyValueStore<String, String> finals() {
            return java.util.Objects.requireNonNull(finals, "init not called");
        }
    }

    /**
     * The claim id's reservation: a {@link ReserveClaimId} is passed on to its host's ledger (keyed by host id) or
     * refused, by {@link ClaimIdReservation}; the id's claim records and refusals keep the reservation in step.
     * An unreadable request, or one whose key is not its claim id (it would escape the id's serialisation), is
     * dead-lettered; unreadable claim records and refusals are skipped (the directories dead-letter them).
     */
    static final class ReservationProcessor implements Processor<byte[], byte[], byte[], Outbound> {

        private final EventCodec codec;
        private final Listener listener;
        private @Nullable ProcessorContext<byte[], Outbound> context;
        private @Nullable KeyValueStore<String, ClaimIdReservation> reservations;

        ReservationProcessor(EventCodec codec, Listener listener) {
            this.codec = codec;
            this.listener = listener;
        }

        @Override
        public void init(ProcessorContext<byte[], Outbound> processorContext) {
            this.context = processorContext;
            this.reservations = processorContext.getStateStore(RESERVATIONS);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            ProcessorContext<byte[], Outbound> context = java.util.Objects.requireNonNull(this.context, "init not called");
            RecordMetadata metadata = context.recordMetadata().orElseThrow();
            boolean request = metadata.topic().equals(TopicCatalogue.CLAIM_RESERVATIONS.name());
            if (record.value() == null) {
                // a tombstone of a claim long final: its final record freed the id already
                return;
            }
            Envelope<?> envelope;
            try {
                envelope = codec.decode(metadata.topic(), record.headers(), record.value());
            } catch (MalformedRecordException e) {
                if (request) {
                    deadLetter(context, listener, RESERVATION_DEAD_LETTERS, record, metadata, e.getMessage());
                } else {
                    log.debug("skipping unreadable {}-{}@{} (the directories dead-letter it): {}", metadata.topic(),
                            metadata.partition(), metadata.offset(), e.getMessage());
                }
                return;
            }
            String key = record.key() == null ? "" : new String(record.key(), UTF_8);
            KeyValueStore<String, ClaimIdReservation> store = java.util.Objects.requireNonNull(reservations,
                    "init not called");
            if (envelope.payload() instanceof ReserveClaimId reserve) {
                ClaimCapacity claim = reserve.claim();
                if (!claim.claimId().equals(key)) {
                    deadLetter(context, listener, RESERVATION_DEAD_LETTERS, record, metadata, "record key '"
                            + io.vgpufleet.contracts.Checks.printable(key)
                            + "' is not the claim's claimId " + claim.claimId()
                            + ": a claim must be keyed by its id to be serialised with the id's other claims");
                    return;
                }
                Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
                String ceType = io.vgpufleet.contracts.messaging.EventTypes.CLAIM_CAPACITY.ceType();
                ClaimIdReservation.Decision decision = ClaimIdReservation.reserve(store.get(key), claim, ceType, now);
                if (decision instanceof ClaimIdReservation.Forward forward) {
                    store.put(key, forward.reservation());
                    forward(context, codec, RESERVED_OUT, claim, record.timestamp());
                } else {
                    listener.refused(ceType);
                    forward(context, codec, RESERVATION_REFUSALS_OUT, ((ClaimIdReservation.Refuse) decision).refusal(),
                            record.timestamp());
                }
            } else if (envelope.payload() instanceof ClaimChanged change && change.claimId().equals(key)) {
                ClaimIdReservation held = store.get(key);
                update(store, key, held, ClaimIdReservation.changed(held, change));
            } else if (envelope.payload() instanceof ClaimCommandRefused refusal && refusal.claimId().equals(key)) {
                ClaimIdReservation held = store.get(key);
                update(store, key, held, ClaimIdReservation.refused(held, refusal));
            } else if (request) {
                deadLetter(context, listener, RESERVATION_DEAD_LETTERS, record, metadata,
                        "ce_type " + envelope.type().ceType() + " is not a claim id reservation");
            }
        }

        private static void update(KeyValueStore<String, ClaimIdReservation> store, String key,
                @Nullable ClaimIdReservation held, @Nullable ClaimIdReservation next) {
            if (next == held) {
                return;
            }
            if (next == null) {
                store.delete(key);
            } else {
                store.put(key, next);
            }
        }
    }
}
