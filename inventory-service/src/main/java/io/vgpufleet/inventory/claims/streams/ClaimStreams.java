package io.vgpufleet.inventory.claims.streams;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link ClaimTopology} for as long as the Spring context runs. Every instance of the service runs
 * it with the same application id, so Kafka Streams splits the hosts' partitions between them; nothing is
 * queried from its stores (every instance answers from the claim directory, see {@code claims.api}).
 */
public final class ClaimStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClaimStreams.class);

    private final Topology topology;
    private final Properties config;
    private volatile @Nullable KafkaStreams streams;

    public ClaimStreams(Topology topology, Properties config) {
        this.topology = topology;
        this.config = config;
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        KafkaStreams started = new KafkaStreams(topology, config);
        // a failing stream thread is replaced; the record that failed is retried from the last commit
        started.setUncaughtExceptionHandler(exception -> {
            log.error("claim ledger stream thread failed; replacing it", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        started.start();
        streams = started;
    }

    @Override
    public synchronized void stop() {
        KafkaStreams running = streams;
        if (running != null) {
            // leave the group even as a static member, so another instance takes these ledgers at once
            running.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
            streams = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /** Kafka Streams' own metrics (thread commit and poll latencies, producer flush and transaction times); empty when stopped. */
    public Map<MetricName, ? extends Metric> metrics() {
        KafkaStreams current = streams;
        return current == null ? Map.of() : current.metrics();
    }

    /** Kafka Streams' own state, e.g. RUNNING or REBALANCING; NOT_RUNNING when stopped. */
    public KafkaStreams.State streamsState() {
        KafkaStreams current = streams;
        return current == null ? KafkaStreams.State.NOT_RUNNING : current.state();
    }
}
