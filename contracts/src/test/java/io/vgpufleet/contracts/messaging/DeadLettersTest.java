package io.vgpufleet.contracts.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.vgpufleet.contracts.Samples;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A record that cannot be read is parked unchanged, in the same partition, with the reason beside it. */
class DeadLettersTest {

    private static final int PARTITION = 7;
    private static final long OFFSET = 123_456_789_012L;

    private final EventCodec codec = new EventCodec(
            Clock.fixed(Instant.parse("2025-06-02T08:15:31Z"), ZoneOffset.UTC), UUID::randomUUID, "urn:vgpu:test");

    @Test
    void keepsKeyValueHeadersAndPartitionAndAddsTheReason() {
        ConsumerRecord<byte[], byte[]> consumed = consumed(TopicCatalogue.HEALTH_SIGNALS.name(), "{\"xid\":".getBytes(UTF_8));
        MalformedRecordException reason = new MalformedRecordException("payload is not a valid vgpu.health.gpu-lost.v1");

        ProducerRecord<byte[], byte[]> letter = DeadLetters.of(consumed, reason);

        assertThat(letter.topic()).isEqualTo("vgpu.agent.health-signals.v1.dlq");
        assertThat(letter.partition()).isEqualTo(PARTITION);
        assertThat(letter.key()).isEqualTo(consumed.key());
        assertThat(letter.value()).isEqualTo(consumed.value());
        for (Header original : consumed.headers()) {
            assertThat(letter.headers().lastHeader(original.key()).value()).as(original.key()).isEqualTo(original.value());
        }
        assertThat(text(letter.headers(), DeadLetters.REASON)).isEqualTo("payload is not a valid vgpu.health.gpu-lost.v1");
        assertThat(text(letter.headers(), DeadLetters.EXCEPTION)).isEqualTo(MalformedRecordException.class.getName());
        assertThat(text(letter.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo("vgpu.agent.health-signals.v1");
        assertThat(ByteBuffer.wrap(letter.headers().lastHeader(DeadLetters.ORIGINAL_PARTITION).value()).getInt())
                .isEqualTo(PARTITION);
        assertThat(ByteBuffer.wrap(letter.headers().lastHeader(DeadLetters.ORIGINAL_OFFSET).value()).getLong())
                .isEqualTo(OFFSET);
    }

    @Test
    void namesTheExceptionWhenItHasNoMessage() {
        ProducerRecord<byte[], byte[]> letter =
                DeadLetters.of(consumed(TopicCatalogue.GPU_HEALTH.name(), new byte[0]), new NullPointerException());

        assertThat(letter.topic()).isEqualTo("vgpu.health.gpu-health.v1.dlq");
        assertThat(text(letter.headers(), DeadLetters.REASON)).isEqualTo(NullPointerException.class.getName());
    }

    @Test
    void refusesTopicsOutsideTheCatalogueAndDeadLettersOfDeadLetters() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DeadLetters.of(consumed("orders", new byte[0]), new IllegalStateException("x")))
                .withMessage("orders is not in the catalogue");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DeadLetters.of(
                        consumed("vgpu.agent.health-signals.v1.dlq", new byte[0]), new IllegalStateException("x")))
                .withMessage("vgpu.agent.health-signals.v1.dlq is a dead-letter topic itself");
    }

    private ConsumerRecord<byte[], byte[]> consumed(String topic, byte[] value) {
        ProducerRecord<String, byte[]> produced = codec.record(Samples.gpuLost());
        Headers headers = new RecordHeaders(produced.headers().toArray());
        return new ConsumerRecord<>(topic, PARTITION, OFFSET, 1_717_316_131_000L, TimestampType.CREATE_TIME,
                produced.key().length(), value.length, produced.key().getBytes(UTF_8), value, headers, Optional.empty());
    }

    private static String text(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), UTF_8);
    }
}
