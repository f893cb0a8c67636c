package io.vgpufleet.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Every metric the node agent exports. Names use Micrometer's dots (Prometheus shows
 * {@code vgpu_agent_snapshots_published_total}); tags take only bounded values (a reason, a command
 * type, an outcome), never a UUID.
 *
 * <p>One instance per agent, over the registry that {@code GET /metrics} renders.
 */
public final class AgentMetrics {

    /** Snapshots sent, tagged {@code reason}: {@code start}, {@code change}, {@code heartbeat}, {@code command}, {@code recovered}. */
    public static final String SNAPSHOTS_PUBLISHED = "vgpu.agent.snapshots.published";
    /** Snapshots the broker did not take (the next attempt sends the state of then). */
    public static final String SNAPSHOT_FAILURES = "vgpu.agent.snapshots.failed";
    /** Full snapshots the broker took after a failed send (reason {@code recovered}). */
    public static final String SNAPSHOTS_RECOVERED = "vgpu.agent.snapshots.recovered";
    /** Commands answered, tagged {@code type} (the command's {@code ce_type}) and {@code outcome}. */
    public static final String COMMANDS = "vgpu.agent.commands";
    /**
     * Where a command's time goes in the agent, tagged {@code stage}: {@code delivered} (the command record's
     * timestamp, the sender's clock, to the intake taking it from a poll), {@code executed} (validation and
     * execution, outcome journal included), {@code snapshot} (the batch's discovery and snapshot handed to the
     * producer, after its replies were) and {@code acknowledged} (the poll's replies acknowledged by the
     * broker after that). Plain timers (count, sum, max): no histogram buckets on every host.
     */
    public static final String COMMAND_STAGE = "vgpu.agent.command.stage";
    /** Times the command intake started over from the committed offsets after an unexpected failure. */
    public static final String COMMAND_INTAKE_RESTARTS = "vgpu.agent.command.intake.restarts";
    /** Command records that could not be read and went to the dead-letter topic, tagged {@code topic} (the source topic). */
    public static final String DEAD_LETTERS = "vgpu.agent.dead.letters";
    /**
     * Records the broker took from the agent, tagged {@code topic} and {@code type} ({@code ce_type}): the
     * same name and tags as the services' {@code vgpu.records.produced}, so one query covers the fleet.
     */
    public static final String RECORDS_PRODUCED = "vgpu.records.produced";
    /** Commands for this host read and decoded, tagged {@code topic} and {@code type}: the services' name and tags. */
    public static final String RECORDS_CONSUMED = "vgpu.records.consumed";
    /**
     * Kafka consumer client metric of the command intake: the largest lag in records of any partition of
     * the commands topic (Prometheus {@code kafka_consumer_fetch_manager_records_lag_max}); the agent's Kafka
     * clients export all their metrics under Micrometer's {@code kafka.*} names.
     */
    public static final String CONSUMER_LAG_MAX = "kafka.consumer.fetch.manager.records.lag.max";
    /**
     * Health signals handed to the publisher, tagged {@code signal} (the record's name, e.g. {@code
     * EccErrorsObserved}) and {@code source} ({@code EVENT} or {@code POLL}).
     */
    public static final String HEALTH_SIGNALS = "vgpu.agent.health.signals";
    /** Health signals the broker did not take. */
    public static final String HEALTH_SIGNAL_FAILURES = "vgpu.agent.health.signals.failed";
    /** Failures inside the health loops, tagged {@code loop} ({@code events} or {@code poll}); the loops go on. */
    public static final String HEALTH_LOOP_ERRORS = "vgpu.agent.health.loop.errors";
    /** How long the last discovery of the host took. */
    public static final String DISCOVERY_DURATION = "vgpu.agent.discovery.last.duration.seconds";
    /** Parts of the host the last discovery could not read (each also logged with its reason). */
    public static final String DISCOVERY_PROBLEMS = "vgpu.agent.discovery.problems";
    /** Auto-start mdevctl definitions created again at start (tag {@code outcome}: repaired, failed). */
    public static final String DEFINITIONS_REPAIRED = "vgpu.agent.mdev.definitions.repaired";
    /** Active mdevs that no mdevctl definition names, found at start. */
    public static final String DEFINITIONS_DRIFT = "vgpu.agent.mdev.definitions.drift";
    /** pGPUs in the last discovery. */
    public static final String GPUS = "vgpu.agent.gpus";
    /** vGPUs in the last discovery. */
    public static final String VGPUS = "vgpu.agent.vgpus";

    private final MeterRegistry registry;
    private final AtomicLong discoveryNanos = new AtomicLong();
    private final AtomicLong discoveryProblems = new AtomicLong();
    private final AtomicLong gpus = new AtomicLong();
    private final AtomicLong vgpus = new AtomicLong();
    /** Registered at start, so the stages are exported (at 0) before the first command and looked up once. */
    private final Map<CommandStage, Timer> commandStages = new EnumMap<>(CommandStage.class);

    public AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge(DISCOVERY_DURATION, discoveryNanos, nanos -> nanos.get() / 1e9);
        registry.gauge(DISCOVERY_PROBLEMS, discoveryProblems);
        registry.gauge(GPUS, gpus);
        registry.gauge(VGPUS, vgpus);
        // failure counters exist from the start at 0, so alerts on increase() see the first failure
        registry.counter(SNAPSHOT_FAILURES);
        registry.counter(SNAPSHOTS_RECOVERED);
        registry.counter(HEALTH_SIGNAL_FAILURES);
        registry.counter(DEAD_LETTERS, "topic", TopicCatalogue.AGENT_COMMANDS.name());
        for (CommandStage stage : CommandStage.values()) {
            commandStages.put(stage, Timer.builder(COMMAND_STAGE).tag("stage", stage.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
    }

    public void snapshotPublished(String reason) {
        Counter.builder(SNAPSHOTS_PUBLISHED).tag("reason", reason).register(registry).increment();
    }

    public void snapshotFailed() {
        registry.counter(SNAPSHOT_FAILURES).increment();
    }

    public void snapshotRecovered() {
        registry.counter(SNAPSHOTS_RECOVERED).increment();
    }

    public void commandAnswered(String commandType, String outcome) {
        Counter.builder(COMMANDS).tag("type", commandType).tag("outcome", outcome).register(registry).increment();
    }

    /** The stages of {@link #COMMAND_STAGE}; the tag is the lower-case name. */
    public enum CommandStage { DELIVERED, EXECUTED, SNAPSHOT, ACKNOWLEDGED }

    /** One stage of a command's time in the agent ({@link #COMMAND_STAGE}); a negative time counts as zero. */
    public void commandStage(CommandStage stage, Duration took) {
        commandStages.get(stage).record(took.isNegative() ? Duration.ZERO : took);
    }

    public void definitionRepaired(boolean ok) {
        registry.counter(DEFINITIONS_REPAIRED, "outcome", ok ? "repaired" : "failed").increment();
    }

    public void definitionDrift(int count) {
        registry.counter(DEFINITIONS_DRIFT).increment(count);
    }

    public void deadLettered(String topic) {
        registry.counter(DEAD_LETTERS, "topic", topic).increment();
    }

    public void recordConsumed(String topic, String ceType) {
        registry.counter(RECORDS_CONSUMED, "topic", topic, "type", ceType).increment();
    }

    public void recordProduced(String topic, String ceType) {
        registry.counter(RECORDS_PRODUCED, "topic", topic, "type", ceType).increment();
    }

    /**
     * Exports a Kafka client's own metrics (records sent per topic, consumer lag, request latency) until the
     * returned handle is closed; close it before the client.
     */
    public AutoCloseable kafkaClient(Producer<?, ?> producer) {
        return bind(new KafkaClientMetrics(producer));
    }

    /** As {@link #kafkaClient(Producer)}, for a consumer. */
    public AutoCloseable kafkaClient(Consumer<?, ?> consumer) {
        return bind(new KafkaClientMetrics(consumer));
    }

    private AutoCloseable bind(KafkaClientMetrics metrics) {
        metrics.bindTo(registry);
        return metrics::close;
    }

    public void healthSignal(String signal, String source) {
        Counter.builder(HEALTH_SIGNALS).tag("signal", signal).tag("source", source).register(registry).increment();
    }

    public void commandIntakeRestarted() {
        registry.counter(COMMAND_INTAKE_RESTARTS).increment();
    }

    public void healthSignalFailed() {
        registry.counter(HEALTH_SIGNAL_FAILURES).increment();
    }

    public void healthLoopFailed(String loop) {
        Counter.builder(HEALTH_LOOP_ERRORS).tag("loop", loop).register(registry).increment();
    }

    public void discovered(Duration took, int problems, int gpuCount, int vgpuCount) {
        discoveryNanos.set(took.toNanos());
        discoveryProblems.set(problems);
        gpus.set(gpuCount);
        vgpus.set(vgpuCount);
    }
}
