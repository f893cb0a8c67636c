package io.vgpufleet.system.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.messaging.CloudEventAttributes;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventType;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.Topic;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes malformed records for a topic from a seed: every record it returns is one that the suite's codec
 * refuses ({@link EventCodec#decode}), checked here before it is handed out, so each must be dead-lettered
 * by every component that reads the topic. Each carries {@link #FUZZ_ID} and {@link #FUZZ_RUN} headers,
 * which a dead letter keeps, so the dead-letter topics can be counted per injected record.
 *
 * <p>The kinds ({@link Kind}): random bytes, truncated JSON, valid JSON under a ce_type of another topic or an
 * unknown or hostile ce_type, CloudEvents headers missing or hostile, valid JSON with one field set to a
 * hostile value (path traversal in ids, UUIDs with {@code /}, BDFs with {@code ..}, 64 KiB strings, wrong
 * JSON types, numbers out of range) or removed, and an empty value. Mutations that the contract accepts
 * (a hostile value in a free-text field is still text) are counted in {@link #accepted()} and not sent.
 */
final class HostileRecords {

    static final String FUZZ_ID = "x-fuzz-id";
    static final String FUZZ_RUN = "x-fuzz-run";

    enum Kind {
        GARBAGE_BYTES,
        TRUNCATED_JSON,
        CE_TYPE_OF_ANOTHER_TOPIC,
        UNKNOWN_CE_TYPE,
        MISSING_HEADER,
        HOSTILE_HEADER,
        HOSTILE_FIELD,
        MISSING_FIELD,
        WRONG_ROOT,
        EMPTY_VALUE,
        /** Random bytes just under the broker's default 1 MiB record limit: its dead letter, with the reason added, is over it. */
        NEAR_SIZE_LIMIT
    }

    /** The value size of the {@link Kind#NEAR_SIZE_LIMIT} record: the broker's default limit less room for key and headers. */
    static final int NEAR_LIMIT_BYTES = 1_048_588 - 1_200;

    private static final List<String> HOSTILE_STRINGS = List.of(
            "../../x", "../../../../etc/passwd", "/etc/shadow", "a/b", "..", ".", "",
            " ", "\u0000", "nvidia-../1", "0000:3b:00.0/../..", "0000:..:00.0", "GPU-../../x",
            "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f/a4b", "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/../x",
            "$(reboot)", "`id`", "x;rm -rf /", "\n\r\t", "\u202e\u0007", "%2e%2e%2f", "java.lang.Runtime",
            "x".repeat(65_536));
    private static final List<String> HOSTILE_CE_TYPES = List.of(
            "../../x", "", "vgpu.agent.host-snapshot.v999", "java.lang.Runtime", "io.vgpufleet.contracts.host.HostSnapshot",
            "vgpu.agent.host-snapshot.v1/../x", "\u0000", "t".repeat(10_000));
    private static final List<String> REQUIRED_HEADERS = List.of(CloudEventAttributes.SPEC_VERSION,
            CloudEventAttributes.ID, CloudEventAttributes.TYPE, CloudEventAttributes.SOURCE, CloudEventAttributes.TIME,
            CloudEventAttributes.SUBJECT);

    private final Random random;
    private final String run;
    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:fuzz");
    private final Map<Kind, Integer> made = new EnumMap<>(Kind.class);
    private int accepted;
    private int serial;

    HostileRecords(long seed, String run) {
        this.random = new Random(seed);
        this.run = run;
    }

    /** Malformed records for the target's topic, keyed by {@code keys} and spread over every partition. */
    List<ProducerRecord<byte[], byte[]>> make(FuzzTarget target, int count, java.util.function.IntFunction<String> keys) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        // one record near the size limit per topic (more would cost a megabyte each), the rest in rotation
        Kind[] kinds = java.util.Arrays.stream(Kind.values()).filter(kind -> kind != Kind.NEAR_SIZE_LIMIT)
                .toArray(Kind[]::new);
        while (records.size() < count) {
            int i = records.size();
            Kind kind = i == 0 && count > kinds.length ? Kind.NEAR_SIZE_LIMIT : kinds[i % kinds.length];
            Object template = target.templates().get(random.nextInt(target.templates().size()));
            String key = keys.apply(i);
            ProducerRecord<byte[], byte[]> record =
                    attempt(kind, target.topic(), template, key, i % target.topic().partitions());
            if (record == null) {
                continue;
            }
            if (!refused(target.topic(), record)) {
                accepted++;
                continue;
            }
            String id = run + "-" + (++serial);
            record.headers().add(FUZZ_ID, id.getBytes(UTF_8));
            record.headers().add(FUZZ_RUN, run.getBytes(UTF_8));
            made.merge(kind, 1, Integer::sum);
            records.add(record);
        }
        return records;
    }

    /** How many records of each kind were handed out. */
    Map<Kind, Integer> made() {
        return Map.copyOf(made);
    }

    /** How many mutations the contract accepted as valid, so were not sent. */
    int accepted() {
        return accepted;
    }

    private ProducerRecord<byte[], byte[]> attempt(Kind kind, Topic topic, Object template, String key, int partition) {
        EventType<?> type = EventTypes.of(template.getClass());
        byte[] json = EventCodec.toJson(template);
        Headers headers = headers(type.ceType(), key);
        byte[] value;
        switch (kind) {
            case GARBAGE_BYTES -> {
                value = new byte[1 + random.nextInt(2048)];
                random.nextBytes(value);
            }
            case TRUNCATED_JSON -> value = java.util.Arrays.copyOf(json, random.nextInt(json.length - 1) + 1);
            case CE_TYPE_OF_ANOTHER_TOPIC -> {
                List<EventType<?>> others = EventTypes.all().stream()
                        .filter(other -> !other.topic().name().equals(topic.name())).toList();
                replace(headers, CloudEventAttributes.TYPE, others.get(random.nextInt(others.size())).ceType());
                value = json;
            }
            case UNKNOWN_CE_TYPE -> {
                replace(headers, CloudEventAttributes.TYPE, pick(HOSTILE_CE_TYPES));
                value = json;
            }
            case MISSING_HEADER -> {
                headers.remove(pick(REQUIRED_HEADERS));
                value = json;
            }
            case HOSTILE_HEADER -> {
                String name = pick(List.of(CloudEventAttributes.SPEC_VERSION, CloudEventAttributes.TIME,
                        CloudEventAttributes.TYPE));
                headers.remove(name);
                byte[] bytes = new byte[1 + random.nextInt(64)];
                random.nextBytes(bytes);
                headers.add(name, random.nextBoolean() ? bytes : pick(HOSTILE_STRINGS).getBytes(UTF_8));
                value = json;
            }
            case HOSTILE_FIELD -> value = mutate(json, false);
            case MISSING_FIELD -> value = mutate(json, true);
            case WRONG_ROOT -> value = pick(List.of("[]", "null", "42", "\"x\"", "{}", "[{}]", "{\"a\":1}{\"b\":2}"))
                    .getBytes(UTF_8);
            case EMPTY_VALUE -> value = new byte[0];
            case NEAR_SIZE_LIMIT -> {
                value = new byte[NEAR_LIMIT_BYTES];
                random.nextBytes(value);
            }
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
        if (value == null) {
            return null;
        }
        return new ProducerRecord<>(topic.name(), partition, key.getBytes(UTF_8), value, headers);
    }

    private Headers headers(String ceType, String key) {
        Headers headers = new RecordHeaders();
        new CloudEventAttributes(UUID.randomUUID().toString(), ceType, "urn:vgpu:fuzz", Instant.now(), key)
                .writeTo(headers);
        return headers;
    }

    private static void replace(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(UTF_8));
    }

    /** One leaf (or field) of the JSON set to a hostile value, or removed; null if the JSON has no such place. */
    private byte[] mutate(byte[] json, boolean remove) {
        JsonNode tree = EventCodec.json().readTree(json);
        List<Slot> slots = new ArrayList<>();
        collect(tree, slots);
        if (slots.isEmpty()) {
            return null;
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        if (remove) {
            if (slot.parent() instanceof ObjectNode object) {
                object.remove(slot.field());
            } else {
                ((ArrayNode) slot.parent()).remove(slot.index());
            }
        } else {
            JsonNode hostile = hostileValue();
            if (slot.parent() instanceof ObjectNode object) {
                object.set(slot.field(), hostile);
            } else {
                ((ArrayNode) slot.parent()).set(slot.index(), hostile);
            }
        }
        return EventCodec.json().writeValueAsBytes(tree);
    }

    private JsonNode hostileValue() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(8)) {
            case 0, 1, 2, 3 -> nodes.stringNode(pick(HOSTILE_STRINGS));
            case 4 -> nodes.numberNode(pick(List.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0L, 1_000_001L)));
            case 5 -> nodes.nullNode();
            case 6 -> nodes.arrayNode().add(pick(HOSTILE_STRINGS));
            default -> nodes.objectNode().put("x", pick(HOSTILE_STRINGS));
        };
    }

    private record Slot(JsonNode parent, String field, int index) {}

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            for (String name : object.propertyNames()) {
                slots.add(new Slot(object, name, -1));
                collect(object.get(name), slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, null, i));
                collect(array.get(i), slots);
            }
        }
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Whether the codec, which every consumer uses, refuses the record. */
    private boolean refused(Topic topic, ProducerRecord<byte[], byte[]> record) {
        try {
            codec.decode(topic.name(), record.headers(), record.value());
            return false;
        } catch (MalformedRecordException e) {
            return true;
        }
    }
}
