package io.vgpufleet.agent.commands;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedHostWriter;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intake's settling of polls over a {@link MockConsumer} and a {@link MockProducer} that answers when told: a
 * poll's offsets are committed only once its reply is acknowledged, and a reply the broker refuses sends the
 * intake back to the poll's first record, whose command is then answered from the outcome journal.
 */
class CommandIntakeTest {

    private static final String HOST = "sim-01";
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final TopicPartition PARTITION = new TopicPartition(TopicCatalogue.AGENT_COMMANDS.name(), 3);

    @TempDir
    Path root;

    private final EventCodec codec = new EventCodec(Clock.fixed(NOW, ZoneOffset.UTC), UUID::randomUUID, "urn:test");
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CommandIntake intake;

    @BeforeEach
    void setUp() {
        SimulatedHost.layOut(root, HostProfile.MIXED, 11);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), HOST);
        CommandHandler handler = new CommandHandler(HOST, new HostState() {
            @Override
            public DiscoveredHost discover() {
                return discovery.discover();
            }

            @Override
            public void changed() {}
        }, new SimulatedHostWriter(new SimulatedKernel(root)), Clock.fixed(NOW, ZoneOffset.UTC));
        intake = new CommandIntake(HOST, consumer, Map.of(), codec, new EventPublisher(producer, codec), handler,
                new AgentMetrics(registry));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        });
    }

    @AfterEach
    void tearDown() {
        intake.close();
    }

    @Test
    void aRefusedReplyRewindsToThePollAndTheRepeatIsAnsweredFromTheJournalBeforeTheOffsetIsCommitted()
            throws MalformedRecordException {
        String vgpu = "a1b2c3d4-0000-4000-8000-000000000001";
        ConsumerRecord<byte[], byte[]> command = record(5, create("c-1", vgpu));
        consumer.schedulePollTask(() -> consumer.addRecord(command));
        intake.start();

        await().atMost(DEADLINE).until(() -> producer.history().size() == 1);
        assertThat(committed()).as("nothing committed before the reply is acknowledged").isEmpty();
        producer.errorNext(new TimeoutException("broker away"));

        await().atMost(DEADLINE).until(() -> position() == 5L);
        assertThat(committed()).as("a refused reply commits nothing").isEmpty();
        consumer.addRecord(command); // the broker delivers the poll again

        await().atMost(DEADLINE).until(() -> producer.history().size() == 2);
        CommandReply first = reply(0);
        CommandReply again = reply(1);
        assertThat(again).isInstanceOf(CommandSucceeded.class).isEqualTo(first);
        assertThat(Files.isDirectory(root.resolve("bus/mdev/devices").resolve(vgpu))).isTrue();
        assertThat(committed()).isEmpty();

        producer.completeNext();
        await().atMost(DEADLINE).until(() -> committed().map(OffsetAndMetadata::offset).orElse(-1L) == 6L);
    }

    @Test
    void aPollIsReadAndAnsweredWhileThePreviousPollsReplyIsUnacknowledgedAndOffsetsAreCommittedInOrder() {
        consumer.schedulePollTask(() -> consumer.addRecord(record(0, create("c-1",
                "a1b2c3d4-0000-4000-8000-000000000001"))));
        intake.start();
        await().atMost(DEADLINE).until(() -> producer.history().size() == 1);

        consumer.addRecord(record(1, create("c-2", "a1b2c3d4-0000-4000-8000-000000000002")));
        await().atMost(DEADLINE).until(() -> producer.history().size() == 2);
        assertThat(committed()).as("neither reply acknowledged yet").isEmpty();

        producer.completeNext();
        await().atMost(DEADLINE).until(() -> committed().map(OffsetAndMetadata::offset).orElse(-1L) == 1L);
        producer.completeNext();
        await().atMost(DEADLINE).until(() -> committed().map(OffsetAndMetadata::offset).orElse(-1L) == 2L);
    }

    @Test
    void aReplyRefusedAfterTheGroupTookThePartitionAwayLeavesTheIntakeRunningAndTheCommandIsAnsweredOnceItIsBack()
            throws MalformedRecordException {
        String vgpu = "a1b2c3d4-0000-4000-8000-000000000003";
        ConsumerRecord<byte[], byte[]> command = record(5, create("c-3", vgpu));
        consumer.schedulePollTask(() -> consumer.addRecord(command));
        intake.start();
        await().atMost(DEADLINE).until(() -> producer.history().size() == 1);

        // the broker was away long enough for the group to drop the member: its partitions are gone, and the
        // reply is refused while they are (seeking an unassigned partition stopped the intake for good)
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of());
            producer.errorNext(new TimeoutException("broker away"));
        });
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.addRecord(command); // read again from the committed offset: nothing was committed
        });

        await().atMost(DEADLINE).until(() -> producer.history().size() == 2);
        assertThat(intake.running()).isTrue();
        assertThat(reply(1)).isInstanceOf(CommandSucceeded.class).isEqualTo(reply(0));
        producer.completeNext();
        await().atMost(DEADLINE).until(() -> committed().map(OffsetAndMetadata::offset).orElse(-1L) == 6L);
        assertThat(intake.running()).isTrue();
    }

    @Test
    void anUnexpectedFailureStartsTheIntakeOverFromTheCommittedOffsetsInsteadOfStoppingIt() {
        consumer.schedulePollTask(() -> consumer.setPollException(new KafkaException("something unforeseen")));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.addRecord(record(5, create("c-4", "a1b2c3d4-0000-4000-8000-000000000004")));
        });
        intake.start();

        await().atMost(DEADLINE).until(() -> producer.history().size() == 1);
        assertThat(intake.running()).isTrue();
        assertThat(registry.counter(AgentMetrics.COMMAND_INTAKE_RESTARTS).count()).isEqualTo(1.0);
        producer.completeNext();
        await().atMost(DEADLINE).until(() -> committed().map(OffsetAndMetadata::offset).orElse(-1L) == 6L);
    }

    private CreateVgpu create(String commandId, String vgpuUuid) {
        // the mixed host's first pGPU is its P4 on the mdev bus, which offers nvidia-64
        String parent = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), HOST).discover().gpus().get(0)
                .pciBdf();
        return new CreateVgpu(commandId, HOST, NOW, NOW.plusSeconds(60), parent, "nvidia-64", vgpuUuid, Map.of());
    }

    private ConsumerRecord<byte[], byte[]> record(long offset, Object payload) {
        ProducerRecord<String, byte[]> encoded = codec.record(payload);
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, NOW.toEpochMilli(),
                TimestampType.CREATE_TIME, HOST.length(), encoded.value().length, HOST.getBytes(UTF_8), encoded.value(),
                encoded.headers(), Optional.empty());
    }

    private CommandReply reply(int index) throws MalformedRecordException {
        ProducerRecord<String, byte[]> sent = producer.history().get(index);
        return (CommandReply) codec.decode(sent.topic(), sent.headers(), sent.value()).payload();
    }

    private Optional<OffsetAndMetadata> committed() {
        return Optional.ofNullable(consumer.committed(Set.of(PARTITION)).get(PARTITION));
    }

    private long position() {
        return consumer.position(PARTITION);
    }
}
