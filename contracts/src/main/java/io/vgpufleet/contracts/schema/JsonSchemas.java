package io.vgpufleet.contracts.schema;

import io.vgpufleet.contracts.messaging.EventType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Derives the JSON Schema (draft 2020-12) of a contract record from the record itself, so the
 * published schema cannot drift from the code: every component is required unless it is
 * {@code @Nullable}; unknown properties are allowed (readers tolerate additive changes).
 *
 * <p>The schemas are also committed under {@code contracts/src/main/resources/schemas/}, one per
 * {@code ce_type}; a test fails when the committed text differs from what this class derives, so every
 * contract change shows in review as a schema change.
 */
public final class JsonSchemas {

    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private JsonSchemas() {}

    /** The schema of one event type, as a tree of maps and lists ready for a JSON writer. */
    public static Map<String, Object> of(EventType<?> type) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", DIALECT);
        schema.put("$id", "urn:vgpu:schema:" + type.ceType());
        schema.put("title", type.ceType());
        schema.putAll(objectSchema(type.javaType()));
        return schema;
    }

    /** Where the committed schema of a type lives on the classpath. */
    public static String resourceName(EventType<?> type) {
        return "schemas/" + type.ceType() + ".schema.json";
    }

    private static Map<String, Object> objectSchema(Class<?> record) {
        if (!record.isRecord()) {
            throw new IllegalArgumentException(record.getName() + " is not a record");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            AnnotatedType type = component.getAnnotatedType();
            boolean nullable = type.isAnnotationPresent(Nullable.class);
            Map<String, Object> schema = schemaOf(type.getType());
            properties.put(component.getName(), nullable ? orNull(schema) : schema);
            if (!nullable) {
                required.add(component.getName());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        return schema;
    }

    private static Map<String, Object> schemaOf(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] arguments = parameterized.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return ordered("type", "array", "items", schemaOf(arguments[0]));
            }
            if (Map.class.isAssignableFrom(raw) && arguments[0] == String.class) {
                return ordered("type", "object", "additionalProperties", schemaOf(arguments[1]));
            }
            throw new IllegalArgumentException("no JSON Schema mapping for " + type);
        }
        Class<?> raw = (Class<?>) type;
        if (raw == String.class) {
            return ordered("type", "string");
        }
        if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class) {
            return ordered("type", "integer");
        }
        if (raw == double.class || raw == Double.class) {
            return ordered("type", "number");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return ordered("type", "boolean");
        }
        if (raw == Instant.class) {
            return ordered("type", "string", "format", "date-time");
        }
        if (raw.isEnum()) {
            return ordered("type", "string", "enum", Arrays.stream(raw.getEnumConstants()).map(Object::toString).toList());
        }
        if (raw.isRecord()) {
            return objectSchema(raw);
        }
        throw new IllegalArgumentException("no JSON Schema mapping for " + raw.getName());
    }

    /**
     * A map that keeps the order its entries are given in. {@code Map.of} iterates in an order that
     * changes from one JVM to the next, which would make the committed schema text flap.
     */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> orNull(Map<String, Object> schema) {
        return ordered("anyOf", List.of(schema, ordered("type", "null")));
    }
}
