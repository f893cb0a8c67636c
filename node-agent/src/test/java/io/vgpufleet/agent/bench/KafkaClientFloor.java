package io.vgpufleet.agent.bench;

import io.vgpufleet.agent.NodeAgent;
import io.vgpufleet.agent.commands.CommandIntake;
import io.vgpufleet.agent.publishing.TopicSetup;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The memory floor under the node agent: a JVM that does only what the agent's Kafka side does, with the
 * agent's own settings (the catalogue provisioned by {@link TopicSetup}, the producer of
 * {@link EventPublisher#producer} with {@link NodeAgent#PRODUCER_OVERRIDES} sending a 2 KB record a second, the
 * command consumer of {@link CommandIntake#consumerConfig} polling every 5 s) and nothing else: no sysfs, no
 * NVML, no codec, no Micrometer, no HTTP. Run it in the agent's place, with the agent's flags, to see how much of
 * the agent's RSS is the JVM plus the Kafka client:
 *
 * <pre>
 * java -cp "$CP" -Dbench.agent.launch="-cp $CP io.vgpufleet.agent.bench.KafkaClientFloor" \
 *     io.vgpufleet.agent.bench.AgentSteadyStateBench 60
 * </pre>
 *
 * It takes the agent's {@code --bootstrap-servers=} and {@code --host-id=} arguments and ignores the rest.
 */
public final class KafkaClientFloor {

    private KafkaClientFloor() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = argument(args, "--bootstrap-servers=", "127.0.0.1:9092");
        String hostId = argument(args, "--host-id=", "floor-01");
        TopicSetup.provision(bootstrap, "node-agent-" + hostId + "-admin", Map.of());
        byte[] snapshot = "x".repeat(2048).getBytes(StandardCharsets.UTF_8);
        try (Producer<String, byte[]> producer = EventPublisher.producer(bootstrap, "node-agent-" + hostId,
                        NodeAgent.PRODUCER_OVERRIDES);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                        CommandIntake.consumerConfig(hostId, bootstrap))) {
            consumer.subscribe(List.of(TopicCatalogue.AGENT_COMMANDS.name()));
            Thread sender = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    producer.send(new ProducerRecord<>(TopicCatalogue.HOST_SNAPSHOTS.name(), hostId, snapshot));
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "floor-sender");
            sender.setDaemon(true);
            sender.start();
            while (true) {
                consumer.poll(Duration.ofSeconds(5));
            }
        }
    }

    private static String argument(String[] args, String prefix, String fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return fallback;
    }
}
