package io.vgpufleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ProducerOverridesTest {

    @Test
    void theAgentsProducerBuffersBoundedlyAndNeverBlocksLong() {
        Map<String, Object> settings = new HashMap<>(NodeAgent.PRODUCER_OVERRIDES);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);

        ProducerConfig config = new ProducerConfig(settings);

        assertThat(config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG)).isEqualTo(4L * 1024 * 1024);
        assertThat(config.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isEqualTo(1000L);
        assertThat(config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(120_000);
    }

    @Test
    void theAgentsRepliesAndSnapshotsDoNotLinger() {
        Map<String, Object> settings = new HashMap<>(NodeAgent.PRODUCER_OVERRIDES);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);

        ProducerConfig config = new ProducerConfig(settings);

        // a reply is on a migration step's critical path; the contracts' producer alone would linger 5 ms
        assertThat(config.getLong(ProducerConfig.LINGER_MS_CONFIG)).isZero();
    }

    @Test
    void theAgentsProducerKeepsNoNativeCompressorAndPushesNoTelemetry() {
        Map<String, Object> settings = new HashMap<>(NodeAgent.PRODUCER_OVERRIDES);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);

        ProducerConfig config = new ProducerConfig(settings);

        assertThat(config.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("gzip");
        assertThat(config.getBoolean(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG)).isFalse();
        // what the contracts' producer sets stays: the overrides do not weaken delivery
        assertThat(NodeAgent.PRODUCER_OVERRIDES).doesNotContainKeys(ProducerConfig.ACKS_CONFIG,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
    }
}
