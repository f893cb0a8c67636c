package io.vgpufleet.sandbox.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.contracts.messaging.TopicProvisioner;
import io.vgpufleet.sandbox.process.PortInUseException;
import io.vgpufleet.sandbox.process.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerIT {

    private static final Topic TOPIC = TopicCatalogue.HOST_SNAPSHOTS;

    @TempDir
    Path dir;

    @Test
    void provisionsTheCatalogueAndKeepsTopicsAndRecordsAcrossARestartOnTheSameDirectory() throws Exception {
        BrokerSettings settings = freeSettings(dir.resolve("kafka"));
        List<String> catalogue = TopicCatalogue.all().stream().map(Topic::name).toList();
        String clusterId;
        String value = "snapshot-" + Instant.now();

        try (LocalKafkaBroker broker = LocalKafkaBroker.start(settings)) {
            assertThat(broker.reusedStorage()).isFalse();
            assertThat(Files.isRegularFile(settings.dataDir().resolve(LocalKafkaBroker.META_PROPERTIES))).isTrue();
            clusterId = broker.clusterId();

            TopicProvisioner.Report report = broker.provisionTopics();
            assertThat(report.created()).containsExactlyInAnyOrderElementsOf(catalogue);
            assertThat(report.mismatches()).isEmpty();
            assertThat(brokerConfig(broker, "auto.create.topics.enable")).isEqualTo("false");

            RecordMetadata sent = produce(broker.bootstrapServers(), "sim-01", value);
            assertThat(sent.topic()).isEqualTo(TOPIC.name());
            assertThat(consumeFirst(broker.bootstrapServers(), "round-trip", "sim-01"))
                    .hasValueSatisfying(record -> assertThat(record.value()).isEqualTo(value));
        }

        try (LocalKafkaBroker broker = LocalKafkaBroker.start(settings)) {
            assertThat(broker.reusedStorage()).isTrue();
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            try (Admin admin = broker.admin()) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(catalogue);
            }
            TopicProvisioner.Report again = broker.provisionTopics();
            assertThat(again.created()).isEmpty();
            assertThat(again.mismatches()).isEmpty();
            assertThat(consumeFirst(broker.bootstrapServers(), "after-restart", "sim-01"))
                    .hasValueSatisfying(record -> assertThat(record.value()).isEqualTo(value));
        }
    }

    @Test
    void refusesToStartWhenItsPortIsTakenAndNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int controllerPort = otherFreePort(taken.getLocalPort());
            BrokerSettings settings = new BrokerSettings(
                    BrokerSettings.DEFAULT_HOST, taken.getLocalPort(), controllerPort, dir.resolve("kafka"));

            assertThatThrownBy(() -> LocalKafkaBroker.start(settings))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("Kafka broker");
            assertThat(settings.dataDir()).doesNotExist();
        }
    }

    private static BrokerSettings freeSettings(Path dataDir) {
        int port = Ports.anyFree();
        return new BrokerSettings(BrokerSettings.DEFAULT_HOST, port, otherFreePort(port), dataDir);
    }

    private static int otherFreePort(int notThis) {
        int port = Ports.anyFree();
        while (port == notThis) {
            port = Ports.anyFree();
        }
        return port;
    }

    private static String brokerConfig(LocalKafkaBroker broker, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = broker.admin()) {
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            return config.get(name).value();
        }
    }

    private static RecordMetadata produce(String bootstrap, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC.name(), key, value);
            record.headers().add("ce_type", "io.vgpufleet.test.v1".getBytes(StandardCharsets.UTF_8));
            return producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    private static Optional<ConsumerRecord<String, String>> consumeFirst(String bootstrap, String group, String key) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC.name()));
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        return Optional.of(record);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
