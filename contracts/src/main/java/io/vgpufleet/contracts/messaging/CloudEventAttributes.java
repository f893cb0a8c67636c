package io.vgpufleet.contracts.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.Checks;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The CloudEvents attributes of a record, carried as Kafka headers in the CloudEvents Kafka binding's
 * binary mode: {@code ce_id}, {@code ce_type}, {@code ce_source}, {@code ce_time}, {@code ce_subject},
 * {@code ce_specversion}, and {@code content-type}.
 */
public record CloudEventAttributes(String id, String type, String source, Instant time, String subject) {

    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String CONTENT_TYPE = "content-type";
    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";

    public void writeTo(Headers headers) {
        put(headers, SPEC_VERSION, SPEC_VERSION_VALUE);
        put(headers, ID, id);
        put(headers, TYPE, type);
        put(headers, SOURCE, source);
        put(headers, TIME, time.toString());
        put(headers, SUBJECT, subject);
        put(headers, CONTENT_TYPE, JSON);
    }

    /** Reads the attributes from Kafka headers; every required one must be present and well formed. */
    public static CloudEventAttributes readFrom(Headers headers) throws MalformedRecordException {
        return read(name -> {
            Header header = headers.lastHeader(name);
            return header == null || header.value() == null ? null : new String(header.value(), UTF_8);
        });
    }

    /**
     * Reads the attributes through any header accessor (Spring messaging headers arrive as byte arrays
     * or strings); the accessor answers {@code null} for an absent header.
     */
    public static CloudEventAttributes read(Function<String, String> header) throws MalformedRecordException {
        String specVersion = header.apply(SPEC_VERSION);
        if (!SPEC_VERSION_VALUE.equals(specVersion)) {
            throw new MalformedRecordException("header " + SPEC_VERSION + " must be " + SPEC_VERSION_VALUE + ", was "
                    + (specVersion == null ? "absent" : "'" + Checks.printable(specVersion) + "'"));
        }
        String id = required(header, ID);
        String type = required(header, TYPE);
        String source = required(header, SOURCE);
        String subject = required(header, SUBJECT);
        String time = required(header, TIME);
        try {
            return new CloudEventAttributes(id, type, source, Instant.parse(time), subject);
        } catch (DateTimeParseException e) {
            throw new MalformedRecordException("header " + TIME + " is not an RFC 3339 time: '" + Checks.printable(time) + "'");
        }
    }

    private static String required(Function<String, String> header, String name) throws MalformedRecordException {
        String value = header.apply(name);
        if (value == null || value.isBlank()) {
            throw new MalformedRecordException("header " + name + " is missing");
        }
        return value;
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(UTF_8));
    }
}
