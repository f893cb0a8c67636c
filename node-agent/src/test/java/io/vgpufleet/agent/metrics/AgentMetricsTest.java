package io.vgpufleet.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AgentMetrics metrics = new AgentMetrics(registry);

    @Test
    void failureCountersAreExportedAtZeroBeforeTheFirstFailure() {
        assertThat(registry.scrape())
                .contains("vgpu_agent_snapshots_failed_total 0.0")
                .contains("vgpu_agent_health_signals_failed_total 0.0")
                .contains("vgpu_agent_dead_letters_total{topic=\"vgpu.agent.commands.v1\"} 0.0");
    }

    @Test
    void recordsProducedAndConsumedCountPerTopicAndTypeUnderTheServicesNames() {
        metrics.recordProduced("vgpu.agent.host-snapshots.v1", "vgpu.agent.host-snapshot.v1");
        metrics.recordConsumed("vgpu.agent.commands.v1", "vgpu.agent.create-vgpu.v1");
        metrics.recordConsumed("vgpu.agent.commands.v1", "vgpu.agent.create-vgpu.v1");

        assertThat(registry.scrape()).contains("vgpu_records_produced_total{topic=\"vgpu.agent.host-snapshots.v1\","
                + "type=\"vgpu.agent.host-snapshot.v1\"} 1.0")
                .contains("vgpu_records_consumed_total{topic=\"vgpu.agent.commands.v1\",type=\"vgpu.agent.create-vgpu.v1\"} 2.0");
    }

    @Test
    void commandStagesAreTimedAndATimeBeforeTheSendersClockCountsAsZero() {
        assertThat(registry.scrape()).as("exported before the first command")
                .contains("vgpu_agent_command_stage_seconds_count{stage=\"acknowledged\"} 0");
        metrics.commandStage(AgentMetrics.CommandStage.EXECUTED, Duration.ofMillis(12));
        metrics.commandStage(AgentMetrics.CommandStage.DELIVERED, Duration.ofMillis(-3)); // the sender's clock ahead of this host's

        assertThat(registry.scrape())
                .contains("vgpu_agent_command_stage_seconds_count{stage=\"executed\"} 1")
                .contains("vgpu_agent_command_stage_seconds_sum{stage=\"executed\"} 0.012")
                .contains("vgpu_agent_command_stage_seconds_count{stage=\"delivered\"} 1")
                .contains("vgpu_agent_command_stage_seconds_sum{stage=\"delivered\"} 0.0");
    }

    @Test
    void aKafkaClientsOwnMetricsAreExportedUntilItsHandleIsClosed() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            AutoCloseable handle = metrics.kafkaClient(producer);
            assertThat(registry.scrape()).contains("kafka_producer_record_send_total");

            handle.close();

            assertThat(registry.scrape()).doesNotContain("kafka_producer_record_send_total");
            producer.close(Duration.ZERO);
        }
    }
}
