package io.vgpufleet.health.streams;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.Envelope;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.health.hosts.GpuFacts;
import io.vgpufleet.health.hosts.HostFacts;
import io.vgpufleet.health.hosts.HostSnapshots;
import io.vgpufleet.health.policy.Decision;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.service.messaging.JsonStoreSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The health-service's topology:
 *
 * <pre>
 * vgpu.agent.host-snapshots.v1 --> split (per pGPU) --> repartition by pGPU UUID (internal gpu-facts topic) --+
 *                                                                                                            |
 * vgpu.agent.health-signals.v1 --+-------------------------------------------------------------------------+
 *                                +--> policy (store gpu-health-state) --> vgpu.health.gpu-health.v1
 * vgpu.health.gpu-cordons.v1 ----+        |  punctuate every tick     --> vgpu.health.gpu-cordons.v1
 *                                         |                           --> vgpu.health.drain-requests.v1
 *                                         +--------------------------------> &lt;topic&gt;.dlq (unreadable records)
 * </pre>
 *
 * Signals and cordons are both keyed by pGPU UUID with the same partition count, so one task owns a pGPU's
 * signals, its cordons and its state. Host snapshots are keyed by host id; each is split into the facts of
 * its pGPUs ({@link HostSnapshots#facts}), which are re-keyed by pGPU UUID through an internal repartition
 * topic with the catalogue's partition count, so they too reach the task that owns the pGPU (ADR 0008). The
 * cordon topic is read back so the policy knows an operator's cordon and never lifts it. Records are decoded
 * with the contracts' {@link EventCodec}; one that cannot be read is copied to its topic's dead-letter topic,
 * same partition, with the reason (the contracts' {@link DeadLetters} headers), and processing goes on. Time
 * is the stream thread's wall clock, so the punctuation and the signals see the same clock (and {@code
 * TopologyTestDriver} can advance it).
 *
 * <p>Drain requests are decided by the policy ({@code HealthPolicyEngine#drain}): one per DRAINING or FAILED
 * spell of a pGPU that hosts vGPUs.
 */
public final class HealthTopology {

    public static final String STORE = "gpu-health-state";
    /** Per host id, the pGPU facts last sent on (the splitter sends only what changed). */
    static final String HOST_FACTS = "host-facts";
    static final String SIGNALS = "health-signals";
    static final String CORDONS_IN = "gpu-cordons-in";
    static final String SNAPSHOTS = "host-snapshots";
    static final String SPLIT = "split-host-snapshots";
    /** The internal topic's name is {@code <application.id>-gpu-facts-repartition}. */
    static final String FACTS = "gpu-facts";
    static final String POLICY = "policy";
    static final String OUT = "outbound";
    static final String SNAPSHOT_LETTERS = "host-snapshot-dead-letters";

    private static final Logger log = LoggerFactory.getLogger(HealthTopology.class);

    /** What the topology reports to its host as it goes (metrics, the latest-signals view); no-ops by default. */
    public interface Listener {

        default void consumed(String topic, String ceType, Object payload) {}

        default void deadLettered(String topic, String reason) {}

        /**
         * A pGPU's state as the task wrote it, and, at the task's first tick, every state its store holds (so
         * states restored from the changelog after a restart or a rebalance are heard too).
         */
        default void stateChanged(GpuHealthState state) {}

        /** A pGPU's facts from its host's latest snapshot, heard by the instance that owns the pGPU. */
        default void described(GpuFacts facts) {}

        /** A record handed to the topology's sink for {@code topic} (sent when the transaction commits). */
        default void produced(String topic, String ceType) {}
    }

    private HealthTopology() {}

    public static Topology build(HealthPolicyEngine engine, EventCodec codec, Duration tick, Listener listener) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE), Serdes.String(),
                        new JsonStoreSerde<>(GpuHealthState.class, "pGPU health state"))
                .withLoggingEnabled(java.util.Map.of()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(HOST_FACTS), Serdes.String(),
                        new JsonStoreSerde<>(HostFacts.class, "host facts"))
                .withLoggingEnabled(java.util.Map.of()));
        Consumed<byte[], byte[]> bytes = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
        Produced<byte[], Outbound> outbound = Produced.with(Serdes.ByteArray(), Outbound.SERDE)
                .withStreamPartitioner(new SamePartition());

        KStream<byte[], Outbound> split = builder.stream(TopicCatalogue.HOST_SNAPSHOTS.name(),
                        bytes.withName(SNAPSHOTS))
                .process(() -> new SnapshotSplitter(codec, listener), Named.as(SPLIT), HOST_FACTS);
        split.filter((key, value) -> value.topic() != null, Named.as(SNAPSHOT_LETTERS))
                .to((key, value, context) -> value.topic(), outbound.withName(SNAPSHOT_LETTERS + "-sink"));
        KStream<byte[], byte[]> facts = split
                .filter((key, value) -> value.topic() == null, Named.as(FACTS + "-only"))
                .mapValues(Outbound::value, Named.as(FACTS + "-bytes"))
                .repartition(Repartitioned.<byte[], byte[]>as(FACTS)
                        .withKeySerde(Serdes.ByteArray())
                        .withValueSerde(Serdes.ByteArray())
                        .withNumberOfPartitions(TopicCatalogue.HEALTH_SIGNALS.partitions()));

        builder.stream(TopicCatalogue.HEALTH_SIGNALS.name(), bytes.withName(SIGNALS))
                .merge(builder.stream(TopicCatalogue.GPU_CORDONS.name(), bytes.withName(CORDONS_IN)),
                        Named.as("signals-and-cordons"))
                .merge(facts, Named.as("and-facts"))
                .process(() -> new PolicyProcessor(engine, codec, tick, listener), Named.as(POLICY), STORE)
                .to((key, value, context) -> value.topic(), outbound.withName(OUT));
        return builder.build();
    }

    /**
     * A value on its way out; {@code partition} is the dead letter's original partition, or -1 (by key). Between
     * the splitter and the repartition, {@code topic} is null: the value is a pGPU's facts.
     */
    record Outbound(String topic, byte[] value, int partition) {

        static final Serde<Outbound> SERDE = Serdes.serdeFrom((topic, outbound) -> outbound.value(), (topic, data) -> {
            throw new UnsupportedOperationException("outbound values are only written");
        });
    }

    /**
     * Splits each host snapshot into the facts of its pGPUs, keyed by pGPU UUID (JSON, the contracts' mapper),
     * and sends on only the facts that changed since the host's last snapshot (store {@code host-facts}), so a
     * heartbeat of an unchanged host sends nothing. An unreadable snapshot goes to the snapshot topic's
     * dead-letter topic.
     */
    static final class SnapshotSplitter implements Processor<byte[], byte[], byte[], Outbound> {

        private final EventCodec codec;
        private final Listener listener;
        private ProcessorContext<byte[], Outbound> context;
        private KeyValueStore<String, HostFacts> sent;

        SnapshotSplitter(EventCodec codec, Listener listener) {
            this.codec = codec;
            this.listener = listener;
        }

        @Override
        public void init(ProcessorContext<byte[], Outbound> processorContext) {
            this.context = processorContext;
            this.sent = processorContext.getStateStore(HOST_FACTS);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata metadata = context.recordMetadata().orElseThrow();
            Envelope<?> envelope;
            try {
                envelope = codec.decode(metadata.topic(), record.headers(), record.value());
            } catch (MalformedRecordException e) {
                forwardDeadLetter(context, listener, record, metadata, e);
                return;
            }
            listener.consumed(metadata.topic(), envelope.type().ceType(), envelope.payload());
            if (envelope.payload() instanceof HostSnapshot snapshot) {
                List<GpuFacts> facts = HostSnapshots.facts(snapshot);
                HostFacts before = sent.get(snapshot.hostId());
                List<GpuFacts> changed = before == null ? facts : before.changedIn(facts);
                for (GpuFacts gpu : changed) {
                    context.forward(new Record<>(gpu.gpuUuid().getBytes(UTF_8),
                            new Outbound(null, EventCodec.json().writeValueAsBytes(gpu), -1), record.timestamp(),
                            new RecordHeaders()));
                }
                HostFacts now = new HostFacts(facts);
                if (!now.equals(before)) {
                    sent.put(snapshot.hostId(), now);
                }
            }
        }
    }

    /** A dead letter keeps its record's partition; the dead-letter topic has the same partition count. */
    static final class SamePartition implements StreamPartitioner<byte[], Outbound> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, Outbound value, int partitions) {
            return value.partition() >= 0 && value.partition() < partitions
                    ? Optional.of(Set.of(value.partition()))
                    : Optional.empty();
        }
    }

    static final class PolicyProcessor implements Processor<byte[], byte[], byte[], Outbound> {

        private final HealthPolicyEngine engine;
        private final EventCodec codec;
        private final Duration tick;
        private final Listener listener;
        private ProcessorContext<byte[], Outbound> context;
        private KeyValueStore<String, GpuHealthState> store;
        /**
         * The task's pGPUs whose state time can change ({@link HealthPolicyEngine#timeCanChange}), the only ones
         * a tick visits: a healthy fleet's pGPUs need none, and reading every state of the store at every tick
         * took the stream thread from the signals at 80,000 pGPUs. Built from the store at the first tick (so it
         * holds what the changelog restored; the listener hears every state then), then kept with every write;
         * {@code null} until then.
         */
        private Set<String> timed;

        PolicyProcessor(HealthPolicyEngine engine, EventCodec codec, Duration tick, Listener listener) {
            this.engine = engine;
            this.codec = codec;
            this.tick = tick;
            this.listener = listener;
        }

        @Override
        public void init(ProcessorContext<byte[], Outbound> processorContext) {
            this.context = processorContext;
            this.store = processorContext.getStateStore(STORE);
            processorContext.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::tick);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata metadata = context.recordMetadata().orElseThrow();
            if (metadata.topic().endsWith("-" + FACTS + "-repartition")) {
                facts(record, metadata);
                return;
            }
            Envelope<?> envelope;
            try {
                envelope = codec.decode(metadata.topic(), record.headers(), record.value());
            } catch (MalformedRecordException e) {
                forwardDeadLetter(context, listener, record, metadata, e);
                return;
            }
            listener.consumed(metadata.topic(), envelope.type().ceType(), envelope.payload());
            Instant now = now();
            if (envelope.payload() instanceof HealthSignal signal) {
                GpuHealthState before = store.get(signal.gpuUuid());
                commit(before, engine.apply(before, signal, now), record.timestamp());
            } else if (envelope.payload() instanceof GpuCordonChanged cordon) {
                GpuHealthState state = engine.cordonObserved(store.get(cordon.gpuUuid()), cordon);
                put(state);
                listener.stateChanged(state);
            }
        }

        /** Our own internal topic, written by the splitter: unreadable only through a bug, so logged and skipped. */
        private void facts(Record<byte[], byte[]> record, RecordMetadata metadata) {
            GpuFacts facts;
            try {
                facts = EventCodec.json().readValue(record.value(), GpuFacts.class);
            } catch (JacksonException | IllegalArgumentException e) {
                log.error("skipping unreadable pGPU facts at {}-{}@{}: {}", metadata.topic(), metadata.partition(),
                        metadata.offset(), e.getMessage());
                return;
            }
            listener.described(facts);
            GpuHealthState before = store.get(facts.gpuUuid());
            commit(before, engine.configure(before, facts.configuration(), now()), record.timestamp());
        }

        private void tick(long timestamp) {
            if (timed == null) {
                Set<String> found = new TreeSet<>();
                try (KeyValueIterator<String, GpuHealthState> all = store.all()) {
                    all.forEachRemaining(entry -> {
                        listener.stateChanged(entry.value);
                        if (HealthPolicyEngine.timeCanChange(entry.value)) {
                            found.add(entry.key);
                        }
                    });
                }
                timed = found;
            }
            Instant now = now();
            for (String gpu : List.copyOf(timed)) {
                GpuHealthState state = store.get(gpu);
                if (state == null) {
                    timed.remove(gpu);
                } else {
                    commit(state, engine.tick(state, now), timestamp);
                }
            }
        }

        private void commit(GpuHealthState before, Decision decision, long timestamp) {
            if (!decision.state().equals(before)) {
                put(decision.state());
            }
            decision.healthChange().ifPresent(change -> forward(change, timestamp));
            decision.cordonChange().ifPresent(change -> forward(change, timestamp));
            decision.drainRequest().ifPresent(drain -> forward(drain, timestamp));
            if (decision.changed() || before == null) {
                listener.stateChanged(decision.state());
            }
        }

        private void forward(Object payload, long timestamp) {
            ProducerRecord<String, byte[]> out = codec.record(payload);
            listener.produced(out.topic(), EventTypes.of(payload.getClass()).ceType());
            context.forward(new Record<>(out.key().getBytes(UTF_8), new Outbound(out.topic(), out.value(), -1),
                    timestamp, out.headers()));
        }

        private void put(GpuHealthState state) {
            store.put(state.gpuUuid(), state);
            if (timed != null) {
                if (HealthPolicyEngine.timeCanChange(state)) {
                    timed.add(state.gpuUuid());
                } else {
                    timed.remove(state.gpuUuid());
                }
            }
        }

        private Instant now() {
            return Instant.ofEpochMilli(context.currentSystemTimeMs());
        }
    }

    /** Copies an unreadable record to its topic's dead-letter topic, same partition, with the reason. */
    private static void forwardDeadLetter(ProcessorContext<byte[], Outbound> context, Listener listener,
            Record<byte[], byte[]> record, RecordMetadata metadata, Exception reason) {
        ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>(metadata.topic(), metadata.partition(),
                metadata.offset(), record.timestamp(), TimestampType.CREATE_TIME, -1, -1, record.key(),
                record.value(), new RecordHeaders(record.headers().toArray()), Optional.empty());
        ProducerRecord<byte[], byte[]> letter = DeadLetters.of(consumed, reason);
        log.warn("dead-lettering {}-{}@{}: {}", metadata.topic(), metadata.partition(), metadata.offset(),
                reason.getMessage());
        listener.deadLettered(metadata.topic(), reason.getMessage());
        context.forward(new Record<>(letter.key(), new Outbound(letter.topic(), letter.value(), letter.partition()),
                record.timestamp(), letter.headers()));
    }
}
