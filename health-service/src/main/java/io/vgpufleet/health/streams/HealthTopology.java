package io.vgpufleet.health.streams;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.Envelope;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.health.policy.Decision;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health-service's topology:
 *
 * <pre>
 * vgpu.agent.health-signals.v1 --+
 *                                +--> policy (store gpu-health-state) --> vgpu.health.gpu-health.v1
 * vgpu.health.gpu-cordons.v1 ----+        |  punctuate every tick     --> vgpu.health.gpu-cordons.v1
 *                                         |                           --> vgpu.health.drain-requests.v1
 *                                         +--------------------------------> &lt;topic&gt;.dlq (unreadable records)
 * </pre>
 *
 * Signals and cordons are both keyed by pGPU UUID with the same partition count, so one task owns a pGPU's
 * signals, its cordons and its state. The cordon topic is read back so the policy knows an operator's
 * cordon and never lifts it. Records are decoded with the contracts' {@link EventCodec}; one that cannot be
 * read is copied to its topic's dead-letter topic, same partition, with the reason (the contracts'
 * {@link DeadLetters} headers), and processing goes on. Time is the stream thread's wall clock, so the
 * punctuation and the signals see the same clock (and {@code TopologyTestDriver} can advance it).
 *
 * <p>A pGPU that enters DRAINING or FAILED from HEALTHY or DEGRADED is also the subject of a
 * {@link DrainRequested} to migration-service, whose id is derived from the pGPU and the time of the
 * transition (a replay of the same transition repeats the id). DRAINING to FAILED asks for no second drain.
 */
public final class HealthTopology {

    public static final String STORE = "gpu-health-state";
    static final String SIGNALS = "health-signals";
    static final String CORDONS_IN = "gpu-cordons-in";
    static final String POLICY = "policy";
    static final String HEALTH_OUT = "gpu-health-out";
    static final String CORDONS_OUT = "gpu-cordons-out";
    static final String DRAINS_OUT = "drain-requests-out";
    static final String DEAD_LETTERS = "dead-letters";

    private static final Logger log = LoggerFactory.getLogger(HealthTopology.class);

    /** What the topology reports to its host as it goes (metrics, the latest-signals view); no-ops by default. */
    public interface Listener {

        default void consumed(String topic, String ceType, Object payload) {}

        default void deadLettered(String topic, String reason) {}

        default void stateChanged(GpuHealthState state) {}

        /** A record handed to the topology's sink for {@code topic} (sent when the transaction commits). */
        default void produced(String topic, String ceType) {}
    }

    private HealthTopology() {}

    public static Topology build(HealthPolicyEngine engine, EventCodec codec, Duration tick, Listener listener) {
        Topology topology = new Topology();
        topology.addSource(SIGNALS, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                TopicCatalogue.HEALTH_SIGNALS.name());
        topology.addSource(CORDONS_IN, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                TopicCatalogue.GPU_CORDONS.name());
        topology.addProcessor(POLICY, () -> new PolicyProcessor(engine, codec, tick, listener), SIGNALS, CORDONS_IN);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE), Serdes.String(), new GpuHealthStateSerde())
                .withLoggingEnabled(java.util.Map.of()), POLICY);
        Serializer<Outbound> bytes = (topic, outbound) -> outbound.value();
        topology.addSink(HEALTH_OUT, TopicCatalogue.GPU_HEALTH.name(), new ByteArraySerializer(), bytes, POLICY);
        topology.addSink(CORDONS_OUT, TopicCatalogue.GPU_CORDONS.name(), new ByteArraySerializer(), bytes, POLICY);
        topology.addSink(DRAINS_OUT, TopicCatalogue.DRAIN_REQUESTS.name(), new ByteArraySerializer(), bytes, POLICY);
        topology.addSink(DEAD_LETTERS, (key, value, context) -> value.topic(), new ByteArraySerializer(), bytes,
                new SamePartition(), POLICY);
        return topology;
    }

    /**
     * The drain request for a verdict change that enters DRAINING or FAILED from a better verdict, if it does.
     * The id is {@code drain-<pGPU UUID>-<epoch millis of the change>}: the same transition, replayed, asks
     * for the same drain.
     */
    static Optional<DrainRequested> drainRequestFor(GpuHealthChanged change) {
        if (!drains(change.current()) || drains(change.previous())) {
            return Optional.empty();
        }
        String drainId = "drain-" + change.gpuUuid() + "-" + change.changedAt().toEpochMilli();
        return Optional.of(new DrainRequested(drainId, change.gpuUuid(), change.hostId(), change.current(),
                change.rule(), "verdict " + change.current() + " by rule " + change.rule(), change.changedAt()));
    }

    private static boolean drains(GpuHealth health) {
        return health == GpuHealth.DRAINING || health == GpuHealth.FAILED;
    }

    /** A value on its way out; {@code partition} is the dead letter's original partition, or -1 (by key). */
    record Outbound(String topic, byte[] value, int partition) {}

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
            Envelope<?> envelope;
            try {
                envelope = codec.decode(metadata.topic(), record.headers(), record.value());
            } catch (MalformedRecordException e) {
                deadLetter(record, metadata, e);
                return;
            }
            listener.consumed(metadata.topic(), envelope.type().ceType(), envelope.payload());
            Instant now = now();
            if (envelope.payload() instanceof HealthSignal signal) {
                GpuHealthState before = store.get(signal.gpuUuid());
                commit(before, engine.apply(before, signal, now), record.timestamp());
            } else if (envelope.payload() instanceof GpuCordonChanged cordon) {
                GpuHealthState state = engine.cordonObserved(store.get(cordon.gpuUuid()), cordon);
                store.put(state.gpuUuid(), state);
                listener.stateChanged(state);
            }
        }

        private void tick(long timestamp) {
            Instant now = now();
            List<KeyValue<String, GpuHealthState>> states = new ArrayList<>();
            try (KeyValueIterator<String, GpuHealthState> all = store.all()) {
                all.forEachRemaining(states::add);
            }
            for (KeyValue<String, GpuHealthState> entry : states) {
                commit(entry.value, engine.tick(entry.value, now), timestamp);
            }
        }

        private void commit(GpuHealthState before, Decision decision, long timestamp) {
            if (!decision.state().equals(before)) {
                store.put(decision.state().gpuUuid(), decision.state());
            }
            decision.healthChange().ifPresent(change -> forward(HEALTH_OUT, change, timestamp));
            decision.cordonChange().ifPresent(change -> forward(CORDONS_OUT, change, timestamp));
            decision.healthChange().flatMap(HealthTopology::drainRequestFor)
                    .ifPresent(drain -> forward(DRAINS_OUT, drain, timestamp));
            if (decision.changed() || before == null) {
                listener.stateChanged(decision.state());
            }
        }

        private void forward(String sink, Object payload, long timestamp) {
            ProducerRecord<String, byte[]> out = codec.record(payload);
            listener.produced(out.topic(), EventTypes.of(payload.getClass()).ceType());
            context.forward(new Record<>(out.key().getBytes(UTF_8), new Outbound(out.topic(), out.value(), -1),
                    timestamp, out.headers()), sink);
        }

        private void deadLetter(Record<byte[], byte[]> record, RecordMetadata metadata, Exception reason) {
            ConsumerRecord<byte[], byte[]> consumed = new ConsumerRecord<>(metadata.topic(), metadata.partition(),
                    metadata.offset(), record.timestamp(), TimestampType.CREATE_TIME, -1, -1, record.key(),
                    record.value(), new RecordHeaders(record.headers().toArray()), Optional.empty());
            ProducerRecord<byte[], byte[]> letter = DeadLetters.of(consumed, reason);
            log.warn("dead-lettering {}-{}@{}: {}", metadata.topic(), metadata.partition(), metadata.offset(),
                    reason.getMessage());
            listener.deadLettered(metadata.topic(), reason.getMessage());
            context.forward(new Record<>(letter.key(),
                    new Outbound(letter.topic(), letter.value(), letter.partition()), record.timestamp(),
                    letter.headers()), DEAD_LETTERS);
        }

        private Instant now() {
            return Instant.ofEpochMilli(context.currentSystemTimeMs());
        }
    }
}
