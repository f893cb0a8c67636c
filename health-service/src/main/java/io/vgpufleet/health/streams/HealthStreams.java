package io.vgpufleet.health.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.vgpufleet.health.policy.GpuHealthState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
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
 * its store. {@link #state(String)} and {@link #states()} answer from this instance's partitions only; with
 * several instances ({@code application.server} set on each), {@link #remoteOwnerOf(String)} says which
 * instance owns a pGPU and {@link #otherInstances()} lists the others, so the REST layer can route.
 */
public final class HealthStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HealthStreams.class);

    private final Topology topology;
    private final Properties config;
    private final HostInfo self;
    private final MeterRegistry meters;
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics clientMetrics;

    /**
     * @param config Kafka Streams' configuration; with {@code application.server} ({@code host:port} of this
     *     instance's REST API) queries are routed between instances, without it every query is answered here
     * @param meters where the Kafka clients' metrics of the running streams go (consumer lag among them)
     */
    public HealthStreams(Topology topology, Properties config, MeterRegistry meters) {
        this.topology = topology;
        this.config = config;
        this.meters = meters;
        String server = config.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, "");
        this.self = server.isBlank() ? null : HostInfo.buildFromEndpoint(server);
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
            // leave the group even as a static member, so another instance takes these tasks at once
            streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
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
        try {
            return Optional.ofNullable(store().get(gpuUuid));
        } catch (InvalidStateStoreException e) {
            throw notReady(e);
        }
    }

    /** Every pGPU's state in the local store, in key order. */
    public List<GpuHealthState> states() {
        List<GpuHealthState> states = new ArrayList<>();
        try (KeyValueIterator<String, GpuHealthState> all = store().all()) {
            all.forEachRemaining(entry -> states.add(entry.value));
        } catch (InvalidStateStoreException e) {
            throw notReady(e);
        }
        return states;
    }

    /**
     * The instance that owns the pGPU's partition, where that is not this one; empty where it is (or where this
     * instance runs alone, without {@code application.server}).
     *
     * @throws StoreUnavailableException while the owner is not known (starting, rebalancing)
     */
    public Optional<HostInfo> remoteOwnerOf(String gpuUuid) {
        if (self == null) {
            return Optional.empty();
        }
        KeyQueryMetadata owner = running().queryMetadataForKey(HealthTopology.STORE, gpuUuid, Serdes.String().serializer());
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) || owner.activeHost() == null
                || owner.activeHost().port() < 0) {
            throw new StoreUnavailableException("the owner of pGPU " + gpuUuid + " is not known yet (rebalancing)");
        }
        return owner.activeHost().equals(self) ? Optional.empty() : Optional.of(owner.activeHost());
    }

    /** Every other instance of this application that owns partitions now; empty when running alone. */
    public List<HostInfo> otherInstances() {
        if (self == null) {
            return List.of();
        }
        return running().metadataForAllStreamsClients().stream()
                .map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self))
                .distinct()
                .toList();
    }

    private KafkaStreams running() {
        KafkaStreams current = streams;
        if (current == null) {
            throw new StoreUnavailableException("the health stream is not running");
        }
        return current;
    }

    private ReadOnlyKeyValueStore<String, GpuHealthState> store() {
        KafkaStreams current = running();
        try {
            return current.store(StoreQueryParameters.fromNameAndType(
                    HealthTopology.STORE, QueryableStoreTypes.<String, GpuHealthState>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw notReady(e);
        }
    }

    /**
     * Kafka Streams refuses a store both when asked for it and when it is read (a thread that went back to
     * STARTING after a lost broker or a rebalance): either way the caller gets a 503, not a 500.
     */
    private static StoreUnavailableException notReady(InvalidStateStoreException e) {
        return new StoreUnavailableException("the health state store is not ready: " + e.getMessage());
    }

    /** The store cannot be queried now (starting, rebalancing, stopped): answer 503 and let the caller retry. */
    public static final class StoreUnavailableException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public StoreUnavailableException(String reason) {
            super(reason);
        }
    }
}
