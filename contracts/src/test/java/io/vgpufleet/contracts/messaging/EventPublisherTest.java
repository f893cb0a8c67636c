package io.vgpufleet.contracts.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.Samples;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The publisher sends what the codec builds and reports the broker's answer through the future. */
class EventPublisherTest {

    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:test");

    @Test
    void publishSendsTheCodecsRecordAndCompletesWhenTheBrokerHasIt() throws Exception {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (EventPublisher publisher = new EventPublisher(producer, codec)) {
            CompletableFuture<RecordMetadata> sent = publisher.publish(Samples.gpuCordonChanged());

            assertThat(sent.get().topic()).isEqualTo(TopicCatalogue.GPU_CORDONS.name());
            ProducerRecord<String, byte[]> record = producer.history().get(0);
            assertThat(record.key()).isEqualTo(Samples.H100_GPU);
            assertThat(EventCodec.fromJson(EventTypes.GPU_CORDON_CHANGED, record.value()))
                    .isEqualTo(Samples.gpuCordonChanged());
            assertThat(record.headers().lastHeader(CloudEventAttributes.TYPE)).isNotNull();
        }
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void publishFailsTheFutureWhenTheBrokerRefuses() {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (EventPublisher publisher = new EventPublisher(producer, codec)) {
            CompletableFuture<RecordMetadata> sent = publisher.publish(Samples.gpuLost());
            producer.errorNext(new TimeoutException("no leader"));

            assertThat(sent).failsWithin(java.time.Duration.ZERO)
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(TimeoutException.class);
        }
    }
}
