package io.vgpufleet.agent.bench;

import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The memory floor under the node agent: a JVM that does only what the agent's Kafka side does (creates the
 * snapshot topic with the admin client, sends a 2 KB record a second with the agent's producer settings,
 * polls a command topic every 5 s with one consumer) and nothing else: no sysfs, no NVML, no Jackson, no
 * Micrometer, no HTTP. Run it in the agent's place, with the agent's flags, to see how much of the agent's RSS
 * is the JVM plus the Kafka client:
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
        String commands = "bench-floor-commands";
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.ENABLE_METRICS_PUSH_CONFIG, false))) {
            for (String topic : List.of(TopicCatalogue.HOST_SNAPSHOTS.name(), commands)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        Map<String, Object> producerSettings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip", CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
        Map<String, Object> consumerSettings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "floor-" + hostId, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5_000,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
        byte[] snapshot = "x".repeat(2048).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(),
                        new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(commands));
            Thread sender = new Thread(() -> {
                byte[] key = hostId.getBytes(StandardCharsets.UTF_8);
                while (!Thread.currentThread().isInterrupted()) {
                    producer.send(new ProducerRecord<>(TopicCatalogue.HOST_SNAPSHOTS.name(), key, snapshot));
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
