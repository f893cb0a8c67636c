package io.vgpufleet.contracts.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Dead letters: a record that could not be read is copied, key, value and headers unchanged, to its
 * topic's {@code .dlq} topic in the same partition, with the reason added. The header names are the Spring
 * Cloud Stream Kafka binder's, so records dead-lettered by the Spring services and by the node agent read alike.
 */
public final class DeadLetters {

    public static final String REASON = "x-exception-message";
    public static final String EXCEPTION = "x-exception-fqcn";
    public static final String ORIGINAL_TOPIC = "x-original-topic";
    public static final String ORIGINAL_PARTITION = "x-original-partition";
    public static final String ORIGINAL_OFFSET = "x-original-offset";

    private DeadLetters() {}

    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> record, Throwable reason) {
        Topic source = TopicCatalogue.byName(record.topic())
                .orElseThrow(() -> new IllegalArgumentException(record.topic() + " is not in the catalogue"));
        Topic deadLetter = TopicCatalogue.deadLetterOf(source);
        ProducerRecord<byte[], byte[]> letter =
                new ProducerRecord<>(deadLetter.name(), record.partition(), record.key(), record.value());
        for (Header header : record.headers()) {
            letter.headers().add(header);
        }
        String message = reason.getMessage() == null ? reason.getClass().getName() : reason.getMessage();
        letter.headers().add(REASON, message.getBytes(UTF_8));
        letter.headers().add(EXCEPTION, reason.getClass().getName().getBytes(UTF_8));
        letter.headers().add(ORIGINAL_TOPIC, record.topic().getBytes(UTF_8));
        letter.headers().add(ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(record.partition()).array());
        letter.headers().add(ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(record.offset()).array());
        return letter;
    }
}
