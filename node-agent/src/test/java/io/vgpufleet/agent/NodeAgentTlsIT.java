package io.vgpufleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.testing.TopicProbe;
import io.vgpufleet.testing.tls.TlsKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's TLS options against a broker that speaks only mutual TLS: its snapshot arrives over TLS. */
class NodeAgentTlsIT {

    @Test
    void anAgentWithItsCertificatePublishesItsSnapshotOverMutualTls(@TempDir Path dir) throws Exception {
        String hostId = "tls-agent-01";
        try (TlsKafkaBroker broker = TlsKafkaBroker.start(dir.resolve("pki"))) {
            Path keyStore = broker.certificates().keyStore("node-agent-" + hostId, null);
            Path password = dir.resolve("stores.pass");
            Files.writeString(password, broker.certificates().password() + "\n");
            KafkaTls tls = new KafkaTls(broker.certificates().trustStore(), password, keyStore, password);
            AgentConfig config = new AgentConfig(hostId, broker.bootstrapServers(), "127.0.0.1", 0, dir.resolve(hostId),
                    HostProfile.T4, 7, Duration.ofSeconds(10), Duration.ofSeconds(1), AgentConfig.REAL_PROC, tls, true);

            try (NodeAgent agent = NodeAgent.start(config, Clock.systemUTC());
                    KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(readerConfig(broker, keyStore))) {
                reader.subscribe(List.of(TopicCatalogue.HOST_SNAPSHOTS.name()));
                ConsumerRecord<byte[], byte[]> snapshot = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (snapshot == null && System.nanoTime() < deadline) {
                    ConsumerRecords<byte[], byte[]> records = reader.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        if (hostId.equals(TopicProbe.key(record))) {
                            snapshot = record;
                        }
                    }
                }
                assertThat(snapshot).as("the agent's snapshot, over TLS").isNotNull();
                assertThat(agent.config().kafkaTls()).isEqualTo(tls);
            }
        }
    }

    private static Map<String, Object> readerConfig(TlsKafkaBroker broker, Path keyStore) {
        Map<String, Object> config = new HashMap<>(broker.clientSettings(keyStore));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "node-agent-tls-it");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }
}
