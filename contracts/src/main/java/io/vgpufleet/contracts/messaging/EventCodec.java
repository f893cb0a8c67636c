package io.vgpufleet.contracts.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.Checks;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns contract records into Kafka records and back: JSON payload, CloudEvents headers, the topic and
 * key from {@link EventTypes}. Readers ignore unknown fields (within a version only additive changes);
 * anything else that is wrong is a {@link MalformedRecordException} with the reason.
 *
 * <pre>{@code
 * EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:agent:host-1");
 * producer.send(codec.record(snapshot));
 * Envelope<?> read = codec.decode(topic, record.headers(), record.value());
 * }</pre>
 */
public final class EventCodec {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final int REASON_LENGTH = 500;

    private final Clock clock;
    private final Supplier<UUID> ids;
    private final String source;

    /**
     * @param source the CloudEvents source of every record this codec makes, e.g.
     *     {@code urn:vgpu:agent:<host id>} or {@code urn:vgpu:service:inventory}
     */
    public EventCodec(Clock clock, Supplier<UUID> ids, String source) {
        this.clock = clock;
        this.ids = ids;
        this.source = Checks.nonBlank(source, "source");
    }

    public static JsonMapper json() {
        return JSON;
    }

    /** The Kafka record for a registered payload: its topic, its key, JSON value and CloudEvents headers. */
    public ProducerRecord<String, byte[]> record(Object payload) {
        EventType<?> type = EventTypes.of(payload.getClass());
        String key = type.keyOf(payload);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(type.topic().name(), key, toJson(payload));
        new CloudEventAttributes(ids.get().toString(), type.ceType(), source, clock.instant(), key)
                .writeTo(record.headers());
        return record;
    }

    public static byte[] toJson(Object payload) {
        return JSON.writeValueAsBytes(payload);
    }

    /** Reads a record of {@code topic}; its {@code ce_type} must be one that travels there. */
    public Envelope<?> decode(String topic, Headers headers, byte[] value) throws MalformedRecordException {
        return decode(topic, CloudEventAttributes.readFrom(headers), value);
    }

    /** As {@link #decode(String, Headers, byte[])} for headers reached through an accessor. */
    public Envelope<?> decode(String topic, Function<String, String> headers, byte[] value)
            throws MalformedRecordException {
        return decode(topic, CloudEventAttributes.read(headers), value);
    }

    private Envelope<?> decode(String topic, CloudEventAttributes attributes, byte[] value)
            throws MalformedRecordException {
        EventType<?> type = EventTypes.byCeType(attributes.type())
                .orElseThrow(() -> new MalformedRecordException(
                        "unknown ce_type '" + Checks.printable(attributes.type()) + "'"));
        if (!type.topic().name().equals(topic)) {
            throw new MalformedRecordException("ce_type " + type.ceType() + " does not travel on " + topic);
        }
        return envelope(attributes, type, value);
    }

    private static <T> Envelope<T> envelope(CloudEventAttributes attributes, EventType<T> type, byte[] value)
            throws MalformedRecordException {
        return new Envelope<>(attributes, type, fromJson(type, value));
    }

    /** Reads a payload of a known type; the reason names the type and what was wrong. */
    public static <T> T fromJson(EventType<T> type, byte[] value) throws MalformedRecordException {
        if (value == null || value.length == 0) {
            throw new MalformedRecordException("payload of " + type.ceType() + " is empty");
        }
        try {
            T payload = JSON.readValue(value, type.javaType());
            if (payload == null) {
                throw new MalformedRecordException("payload of " + type.ceType() + " is null");
            }
            return payload;
        } catch (JacksonException e) {
            throw new MalformedRecordException("payload is not a valid " + type.ceType() + ": " + reason(e), e);
        }
    }

    /**
     * The constructor's own message where a record refused the values, otherwise Jackson's, prefixed with
     * the path of the offending field ({@code gpus[0].memoryMib: ...}): Jackson's message alone does not
     * say which field was missing or wrong. Long enough for a constructor's message, which already bounds
     * the hostile values it echoes.
     */
    private static String reason(JacksonException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
        String text = message == null ? e.getClass().getSimpleName() : message;
        String path = path(e);
        return Checks.printable(path.isEmpty() ? text : path + ": " + text, REASON_LENGTH);
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Decodes a UTF-8 header value, for accessors over Spring message headers. */
    public static String headerText(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] bytes ? new String(bytes, UTF_8) : value.toString();
    }
}
