package io.vgpufleet.health.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.vgpufleet.health.policy.GpuHealthState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link HealthTopology} for as long as the Spring context runs, and answers interactive queries on
 * its store. One instance owns every partition today; with several instances a query for a pGPU owned
 * elsewhere must be routed to its owner ({@code KafkaStreams#queryMetadataForKey}), which this class does
 * not do yet: {@link #state(String)} answers only for local partitions.
 */
public final class HealthStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HealthStreams.class);

    private final Topology topology;
    private final Properties config;
    private final MeterRegistry meters;
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics clientMetrics;

    /** @param meters where the Kafka clients' metrics of the running streams go (consumer lag among them) */
    public HealthStreams(Topology topology, Properties config, MeterRegistry meters) {
        this.topology = topology;
        this.config = config;
        this.meters = meters;
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        KafkaStreams started = new KafkaStreams(topology, config);
        // a failing stream thread is replaced; the record that failed is retried from the last commit
        started.setUncaughtExceptionHandler(exception -> {
            log.error("health stream thread failed; replacing it", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        clientMetrics = new KafkaStreamsMetrics(started);
        clientMetrics.bindTo(meters);
        started.start();
        streams = started;
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
            streams = null;
            clientMetrics.close();
            clientMetrics = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /** Kafka Streams' own state, e.g. RUNNING or REBALANCING; NOT_RUNNING when stopped. */
    public KafkaStreams.State streamsState() {
        KafkaStreams current = streams;
        return current == null ? KafkaStreams.State.NOT_RUNNING : current.state();
    }

    /** The pGPU's state from the local store. */
    public Optional<GpuHealthState> state(String gpuUuid) {
        return Optional.ofNullable(store().get(gpuUuid));
    }

    /** Every pGPU's state in the local store, in key order. */
    public List<GpuHealthState> states() {
        List<GpuHealthState> states = new ArrayList<>();
        try (KeyValueIterator<String, GpuHealthState> all = store().all()) {
            all.forEachRemaining(entry -> states.add(entry.value));
        }
        return states;
    }

    private ReadOnlyKeyValueStore<String, GpuHealthState> store() {
        KafkaStreams current = streams;
        if (current == null) {
            throw new StoreUnavailableException("the health stream is not running");
        }
        try {
            return current.store(StoreQueryParameters.fromNameAndType(
                    HealthTopology.STORE, QueryableStoreTypes.<String, GpuHealthState>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("the health state store is not ready: " + e.getMessage());
        }
    }

    /** The store cannot be queried now (starting, rebalancing, stopped): answer 503 and let the caller retry. */
    public static final class StoreUnavailableException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        StoreUnavailableException(String reason) {
            super(reason);
        }
    }
}
