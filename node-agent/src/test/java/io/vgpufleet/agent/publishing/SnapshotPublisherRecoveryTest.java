package io.vgpufleet.agent.publishing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotPublisherRecoveryTest {

    private static final String HOST = "sim-01";

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SignallingProducer producer = new SignallingProducer();
    private final EventCodec codec = new EventCodec(clock, UUID::randomUUID, "urn:vgpu:agent:" + HOST);
    private SnapshotPublisher snapshots;

    @BeforeEach
    void setUp() {
        SimulatedHost.layOut(root, HostProfile.P4, 3);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), HOST, null, () -> true);
        snapshots = new SnapshotPublisher(HOST, "test", discovery, new EventPublisher(producer, codec), clock,
                Duration.ofSeconds(10), new AgentMetrics(registry));
    }

    @AfterEach
    void tearDown() {
        snapshots.close();
    }

    @Test
    void afterASendTheBrokerDidNotTakeTheNextSendIsAFreshFullSnapshot() throws Exception {
        sendAnd(snapshots::tick, producer::completeNext);
        snapshots.publishChange("command");
        assertThat(producer.history()).as("nothing changed: nothing sent").hasSize(1);

        clock.advance(Duration.ofSeconds(10));
        sendAnd(snapshots::tick, () -> producer.errorNext(new TimeoutException("broker away")));
        assertThat(snapshots.kafkaOk()).isFalse();
        assertThat(registry.counter("vgpu.agent.snapshots.failed").count()).isEqualTo(1.0);

        // The host did not change, yet the next send is the whole state again.
        sendAnd(() -> snapshots.publishChange("command"), producer::completeNext);

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).hasSize(3);
        ProducerRecord<String, byte[]> last = sent.get(2);
        Object payload = codec.decode(last.topic(), last.headers(), last.value()).payload();
        assertThat(payload).isInstanceOfSatisfying(HostSnapshot.class, snapshot -> {
            assertThat(snapshot.hostId()).isEqualTo(HOST);
            assertThat(snapshot.sequence()).isEqualTo(3);
            assertThat(snapshot.gpus()).hasSize(2);
            assertThat(snapshot.vgpuManager().running()).isTrue();
        });
        assertThat(snapshots.kafkaOk()).isTrue();
        assertThat(registry.counter(AgentMetrics.SNAPSHOTS_RECOVERED).count()).isEqualTo(1.0);
        assertThat(registry.counter(AgentMetrics.SNAPSHOTS_PUBLISHED, "reason", SnapshotPublisher.RECOVERED).count())
                .isEqualTo(1.0);

        snapshots.publishChange("command");
        assertThat(producer.history()).as("recovered: back to sending changes only").hasSize(3);
    }

    @Test
    void aFailedSendIsFollowedByARecoveredSnapshotAtTheNextTick() throws Exception {
        sendAnd(snapshots::tick, () -> producer.errorNext(new TimeoutException("broker away")));
        sendAnd(snapshots::tick, producer::completeNext);

        assertThat(producer.history()).hasSize(2);
        assertThat(registry.counter(AgentMetrics.SNAPSHOTS_RECOVERED).count()).isEqualTo(1.0);
        assertThat(snapshots.lastPublishedAt()).contains(clock.instant());
    }

    /** Runs {@code action} (which hands one snapshot to the producer) on another thread, answers the send, waits for both. */
    private void sendAnd(Runnable action, Runnable answer) throws Exception {
        CompletableFuture<Void> done = CompletableFuture.runAsync(action);
        assertThat(producer.sent.tryAcquire(10, TimeUnit.SECONDS)).as("a record was sent").isTrue();
        answer.run();
        done.get(10, TimeUnit.SECONDS);
    }

    /** A MockProducer that says when a record was handed to it. */
    private static final class SignallingProducer extends MockProducer<String, byte[]> {

        final Semaphore sent = new Semaphore(0);

        SignallingProducer() {
            super(false, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            Future<RecordMetadata> future = super.send(record, callback);
            sent.release();
            return future;
        }
    }
}
