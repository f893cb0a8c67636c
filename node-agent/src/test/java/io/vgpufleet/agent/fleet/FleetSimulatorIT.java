package io.vgpufleet.agent.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.agent.publishing.TopicSetup;
import io.vgpufleet.agent.simulator.Fault;
import io.vgpufleet.agent.simulator.SimulatedFaults;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.messaging.CloudEventAttributes;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.testing.RealKafka;
import io.vgpufleet.agent.simulator.InMemoryTrees;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fleet of simulated hosts in one process on a real broker: every host publishes its snapshot, a command
 * keyed by one host's id is carried out in that host's tree only and answered, a fault injected into one
 * pGPU becomes that host's health signal, and an unreadable command for a fleet host is dead-lettered.
 */
@RealKafka
class FleetSimulatorIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int HOSTS = 24;

    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:test:fleet-it");

    @ParameterizedTest(name = "{0} tree")
    @EnumSource(FleetMain.Tree.class)
    void everyHostPublishesTakesItsOwnCommandsInItsOwnTreeAndSignalsItsFaults(FleetMain.Tree tree, @TempDir Path disk)
            throws Exception {
        String bootstrap = System.getProperty("kafka.bootstrap.servers");
        String prefix = "fit" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 36);
        Map<String, String> options = new HashMap<>(Map.of("fleet", String.valueOf(HOSTS), "fleet-profile", "t4",
                "fleet-prefix", prefix, "bootstrap-servers", bootstrap, "seed", "7", "heartbeat", "PT30S",
                "health-poll", "PT1S", "sweep", "PT0.2S", "lanes", "2", "fleet-tree", tree.name().toLowerCase(Locale.ROOT)));
        if (tree == FleetMain.Tree.DISK) {
            options.put("sysfs-root", disk.toString());
        }
        TopicSetup.provision(bootstrap, "fleet-it-admin", Map.of());
        try (FileSystem memory = InMemoryTrees.newFleetTree()) {
            FleetSimulator.Settings settings = FleetMain.settings(options, tree == FleetMain.Tree.MEMORY ? memory : null);
            assertThat(settings.root().getFileSystem() == memory).isEqualTo(tree == FleetMain.Tree.MEMORY);
            runFleet(settings, bootstrap, prefix);
        }
        if (tree == FleetMain.Tree.MEMORY) {
            try (Stream<Path> onDisk = Files.list(disk)) {
                assertThat(onDisk).as("nothing of the memory tree on disk").isEmpty();
            }
        }
    }

    private void runFleet(FleetSimulator.Settings settings, String bootstrap, String prefix) throws Exception {
        Path root = settings.root();
        try (KafkaConsumer<byte[], byte[]> reader = reader(bootstrap);
                FleetSimulator fleet = FleetSimulator.start(settings, Clock.systemUTC());
                EventPublisher commands = new EventPublisher(
                        EventPublisher.producer(bootstrap, "fleet-it", Map.of()), codec)) {
            Map<String, HostSnapshot> snapshots = new HashMap<>();
            List<CommandReply> replies = new ArrayList<>();
            List<HealthSignal> signals = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
            Runnable read = () -> {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    if (record.topic().endsWith(".dlq")) {
                        deadLetters.add(record);
                        continue;
                    }
                    Object payload;
                    try {
                        payload = codec.decode(record.topic(), record.headers(), record.value()).payload();
                    } catch (MalformedRecordException e) {
                        continue;
                    }
                    if (payload instanceof HostSnapshot snapshot && snapshot.hostId().startsWith(prefix)) {
                        snapshots.put(snapshot.hostId(), snapshot);
                    } else if (payload instanceof CommandReply reply && reply.hostId().startsWith(prefix)) {
                        replies.add(reply);
                    } else if (payload instanceof HealthSignal signal && signal.hostId().startsWith(prefix)) {
                        signals.add(signal);
                    }
                }
            };
            await().atMost(DEADLINE).until(() -> {
                read.run();
                return snapshots.size() == HOSTS;
            });
            assertThat(snapshots.values()).allSatisfy(snapshot -> assertThat(snapshot.gpus()).hasSize(4));

            String target = settings.hostId(7);
            PhysicalGpu gpu = snapshots.get(target).gpus().get(0);
            String vgpu = UUID.randomUUID().toString();
            Instant now = Instant.now();
            commands.publish(new CreateVgpu("cmd-" + prefix + "-create", target, now, now.plusSeconds(60), gpu.pciBdf(),
                    gpu.types().get(0).typeId(), vgpu, Map.of())).get();
            await().atMost(DEADLINE).until(() -> {
                read.run();
                return !replies.isEmpty() && snapshots.get(target).vgpus().stream()
                        .anyMatch(created -> created.uuid().equals(vgpu));
            });
            assertThat(replies).singleElement().isInstanceOf(CommandSucceeded.class);
            try (Stream<Path> trees = Files.walk(root)) {
                assertThat(trees.filter(path -> vgpu.equals(String.valueOf(path.getFileName())))
                        .map(path -> root.relativize(path).getName(0).toString()).distinct())
                        .as("hosts whose tree holds the new vGPU").containsExactly(target);
            }

            String sick = snapshots.get(settings.hostId(3)).gpus().get(1).uuid();
            assertThat(fleet.inject(sick, new Fault.DoubleBitEcc(2))).isInstanceOf(SimulatedFaults.Applied.class);
            await().atMost(DEADLINE).until(() -> {
                read.run();
                return signals.stream().anyMatch(signal -> signal instanceof EccErrorsObserved ecc
                        && ecc.gpuUuid().equals(sick) && ecc.counters().uncorrectedVolatile() >= 2);
            });
            assertThat(signals).filteredOn(signal -> signal instanceof EccErrorsObserved ecc
                    && ecc.counters().uncorrectedVolatile() > 0).as("uncorrected errors only where injected")
                    .allMatch(signal -> signal.gpuUuid().equals(sick));

            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                RecordHeaders headers = new RecordHeaders();
                new CloudEventAttributes(UUID.randomUUID().toString(), "vgpu.agent.create-vgpu.v1", "urn:vgpu:test",
                        now, target).writeTo(headers);
                raw.send(new ProducerRecord<>(TopicCatalogue.AGENT_COMMANDS.name(), null, target.getBytes(UTF_8),
                        "{\"commandId\":".getBytes(UTF_8), headers)).get();
            }
            await().atMost(DEADLINE).until(() -> {
                read.run();
                return deadLetters.stream().anyMatch(letter -> new String(letter.key(), UTF_8).equals(target));
            });
            assertThat(fleet.counters().deadLetters()).isEqualTo(1);
            assertThat(fleet.counters().commands()).isEqualTo(1);
        }
    }

    @Test
    void aFaultIsSignalledAtOnceNotAtTheHostsNextTurnInTheSweep() throws Exception {
        String bootstrap = System.getProperty("kafka.bootstrap.servers");
        String prefix = "fiq" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 36);
        // one sweep at start, the next in an hour: only the fault itself can bring its signal out
        Map<String, String> options = Map.of("fleet", "4", "fleet-profile", "t4", "fleet-prefix", prefix,
                "bootstrap-servers", bootstrap, "seed", "7", "heartbeat", "PT30S", "health-poll", "PT1H",
                "sweep", "PT1H", "lanes", "2", "fleet-tree", "memory");
        TopicSetup.provision(bootstrap, "fleet-it-admin", Map.of());
        try (FileSystem memory = InMemoryTrees.newFleetTree();
                KafkaConsumer<byte[], byte[]> reader = reader(bootstrap);
                FleetSimulator fleet = FleetSimulator.start(FleetMain.settings(options, memory), Clock.systemUTC())) {
            String sick = fleet.gpusByHost().get(prefix + "-00002").get(1);
            assertThat(fleet.inject(sick, new Fault.DoubleBitEcc(1))).isInstanceOf(SimulatedFaults.Applied.class);

            List<HealthSignal> signals = new ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(TopicCatalogue.HEALTH_SIGNALS.name())) {
                        try {
                            if (codec.decode(record.topic(), record.headers(), record.value()).payload()
                                    instanceof HealthSignal signal && signal.hostId().startsWith(prefix)) {
                                signals.add(signal);
                            }
                        } catch (MalformedRecordException e) {
                            // another test's record
                        }
                    }
                }
                return signals.stream().anyMatch(signal -> signal instanceof EccErrorsObserved ecc
                        && ecc.gpuUuid().equals(sick) && ecc.counters().uncorrectedVolatile() >= 1);
            });
        }
    }

    private static KafkaConsumer<byte[], byte[]> reader(String bootstrap) {
        KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(TopicCatalogue.HOST_SNAPSHOTS.name(), TopicCatalogue.COMMAND_REPLIES.name(),
                TopicCatalogue.HEALTH_SIGNALS.name(), TopicCatalogue.deadLetterOf(TopicCatalogue.AGENT_COMMANDS).name())) {
            for (int partition = 0; partition < TopicCatalogue.PARTITIONS; partition++) {
                partitions.add(new TopicPartition(topic, partition));
            }
        }
        reader.assign(partitions);
        reader.seekToEnd(partitions);
        partitions.forEach(reader::position);
        return reader;
    }
}
