package io.vgpufleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.testing.RealKafka;
import io.vgpufleet.testing.TopicProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reboot of a simulated host between two runs of the agent: the kernel forgets every mdev, mdevctl's
 * definitions stay on disk, and the agent's start-up reconcile creates the auto-start ones again and
 * reports an active mdev that has no definition, in the first snapshot after the start.
 */
@RealKafka
class AgentRebootIT {

    private static final Duration DEADLINE = Duration.ofSeconds(45);

    private final String hostId = "reboot-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:test:agent-reboot-it");
    private final String bootstrap = System.getProperty("kafka.bootstrap.servers");
    private final TopicProbe probe = new TopicProbe(bootstrap);

    @Test
    void afterARebootTheDefinedVgpusAreBackAndAnUndefinedOneIsReported(@TempDir Path dir) throws Exception {
        Path root = dir.resolve(hostId);
        AgentConfig config = new AgentConfig(hostId, bootstrap, "127.0.0.1", 0, root, HostProfile.P4, 7,
                Duration.ofSeconds(30));
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String parent;
        CommandReply firstReply;
        NodeAgent before = NodeAgent.start(config, Clock.systemUTC());
        try (EventPublisher commands = new EventPublisher(
                EventPublisher.producer(bootstrap, "agent-reboot-it", Map.of()), codec)) {
            parent = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), hostId).discover()
                    .gpus().get(0).pciBdf();
            for (String uuid : List.of(first, second)) {
                Instant now = Instant.now();
                commands.publish(new CreateVgpu("create-" + uuid, hostId, now, now.plusSeconds(120), parent,
                        "nvidia-64", uuid, Map.of())).join();
                assertThat(replyTo("create-" + uuid)).isInstanceOf(CommandSucceeded.class);
            }
            firstReply = replyTo("create-" + first);
        } finally {
            before.close();
        }
        assertThat(root.resolve("etc/mdevctl.d").resolve(parent).resolve(first)).isRegularFile();

        SimulatedKernel kernel = new SimulatedKernel(root);
        kernel.reboot();
        assertThat(root.resolve("bus/mdev/devices").resolve(first)).doesNotExist();
        assertThat(root.resolve("bus/mdev/devices").resolve(second)).doesNotExist();
        String stray = UUID.randomUUID().toString();
        kernel.create(parent, "nvidia-64", stray);
        Instant restartedAt = Instant.now();

        NodeAgent after = NodeAgent.start(config, Clock.systemUTC());
        try (EventPublisher commands = new EventPublisher(
                EventPublisher.producer(bootstrap, "agent-reboot-it-again", Map.of()), codec)) {
            HostSnapshot snapshot = snapshotAfter(restartedAt);
            assertThat(snapshot.vgpus()).extracting(Vgpu::uuid).containsExactlyInAnyOrder(first, second, stray);
            assertThat(snapshot.vgpuManager().problems())
                    .anySatisfy(problem -> assertThat(problem).contains("mdevctl repaired").contains(first))
                    .anySatisfy(problem -> assertThat(problem).contains("mdevctl repaired").contains(second))
                    .anySatisfy(problem -> assertThat(problem).contains("mdevctl drift").contains(stray));

            // the same command again, after the restart: answered from the journal, not run again (which
            // would fail with EEXIST, the reconcile having created the vGPU already)
            Instant now = Instant.now();
            commands.publish(new CreateVgpu("create-" + first, hostId, now, now.plusSeconds(120), parent,
                    "nvidia-64", first, Map.of())).join();
            assertThat(replyAfter("create-" + first, restartedAt)).isEqualTo(firstReply);
        } finally {
            after.close();
        }
        assertThat(Files.isDirectory(root.resolve("bus/mdev/devices").resolve(first))).isTrue();
        assertThat(Files.isDirectory(root.resolve("bus/mdev/devices").resolve(second))).isTrue();
    }

    private CommandReply replyTo(String commandId) {
        ConsumerRecord<byte[], byte[]> record = probe.await(TopicCatalogue.COMMAND_REPLIES.name(), DEADLINE,
                candidate -> hostId.equals(TopicProbe.key(candidate))
                        && decode(candidate) instanceof CommandReply reply && reply.commandId().equals(commandId));
        return (CommandReply) decode(record);
    }

    private CommandReply replyAfter(String commandId, Instant since) {
        ConsumerRecord<byte[], byte[]> record = probe.await(TopicCatalogue.COMMAND_REPLIES.name(), DEADLINE,
                candidate -> hostId.equals(TopicProbe.key(candidate)) && candidate.timestamp() >= since.toEpochMilli()
                        && decode(candidate) instanceof CommandReply reply && reply.commandId().equals(commandId));
        return (CommandReply) decode(record);
    }

    private HostSnapshot snapshotAfter(Instant restartedAt) {
        ConsumerRecord<byte[], byte[]> record = probe.await(TopicCatalogue.HOST_SNAPSHOTS.name(), DEADLINE,
                candidate -> hostId.equals(TopicProbe.key(candidate))
                        && decode(candidate) instanceof HostSnapshot snapshot
                        && !snapshot.observedAt().isBefore(restartedAt));
        return (HostSnapshot) decode(record);
    }

    private Object decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return codec.decode(record.topic(), record.headers(), record.value()).payload();
        } catch (MalformedRecordException e) {
            throw new AssertionError("unreadable record on " + record.topic() + ": " + e.getMessage(), e);
        }
    }
}
