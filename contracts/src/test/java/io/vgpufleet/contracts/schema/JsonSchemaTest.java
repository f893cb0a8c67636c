package io.vgpufleet.contracts.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vgpufleet.contracts.Samples;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventType;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every record type on the wire has a committed JSON Schema that matches the code, and its JSON obeys
 * that schema: a contract change shows in review as a schema change.
 *
 * <p>After a deliberate contract change, rewrite the committed schemas with
 * {@code mvn -o -pl contracts test -Dtest=JsonSchemaTest -Dschemas.update=true} and commit the diff.
 */
class JsonSchemaTest {

    private static final boolean UPDATE = Boolean.getBoolean("schemas.update");
    private static final Path RESOURCES = Path.of(System.getProperty("basedir", "."), "src", "main", "resources");
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    static Stream<Arguments> types() {
        return EventTypes.all().stream().map(type -> argumentSet(type.ceType(), type));
    }

    static Stream<Arguments> samples() {
        return EventTypes.all().stream().flatMap(type -> {
            List<?> samples = Samples.of(type);
            return Stream.iterate(0, i -> i < samples.size(), i -> i + 1)
                    .map(i -> argumentSet(type.ceType() + " #" + (i + 1), type, samples.get(i)));
        });
    }

    static Stream<Arguments> requiredFields() {
        return EventTypes.all().stream().flatMap(type -> requiredOf(type).stream()
                .map(field -> argumentSet(type.ceType() + " without " + field, type, field)));
    }

    @ParameterizedTest
    @MethodSource("types")
    void committedSchemaIsTheOneDerivedFromTheRecord(EventType<?> type) throws IOException {
        Path file = RESOURCES.resolve(JsonSchemas.resourceName(type));
        String derived = render(JsonSchemas.of(type));
        if (UPDATE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, derived, UTF_8);
            return;
        }
        String committed = Files.exists(file) ? Files.readString(file, UTF_8) : "<missing>";
        assertThat(committed)
                .as("%s differs from what JsonSchemas.of derives from %s. If the contract change is intended, "
                                + "re-run this test with -Dschemas.update=true to rewrite src/main/resources/schemas, "
                                + "then review and commit the diff",
                        file, type.javaType().getName())
                .isEqualTo(derived);
    }

    @Test
    void everyCommittedSchemaBelongsToARegisteredType() throws IOException {
        Set<String> expected = EventTypes.all().stream()
                .map(type -> Path.of(JsonSchemas.resourceName(type)).getFileName().toString())
                .collect(Collectors.toSet());
        Path directory = RESOURCES.resolve("schemas");
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> stale = files.filter(file -> !expected.contains(file.getFileName().toString())).toList();
            if (UPDATE) {
                for (Path file : stale) {
                    Files.delete(file);
                }
                return;
            }
            assertThat(stale).as("schemas of no registered type; re-run with -Dschemas.update=true").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void committedSchemaIsAValidDraft202012Schema(EventType<?> type) throws IOException {
        Schema metaSchema = SCHEMAS.getSchema(SchemaLocation.of(JsonSchemas.DIALECT));

        assertThat(metaSchema.validate(committed(type), InputFormat.JSON)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleValidatesAgainstTheCommittedSchema(EventType<?> type, Object sample) throws IOException {
        List<Error> errors = validate(type, new String(EventCodec.toJson(sample), UTF_8));

        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleRoundTripsThroughJson(EventType<?> type, Object sample) throws MalformedRecordException {
        assertThat(EventCodec.fromJson(type, EventCodec.toJson(sample))).isEqualTo(sample);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void readerToleratesFieldsAddedByALaterWriter(EventType<?> type, Object sample)
            throws IOException, MalformedRecordException {
        ObjectNode document = tree(sample);
        document.put("addedInAMinorRevision", "ignored");
        document.putObject("addedObject").put("nested", 1).putArray("list").add(true);
        byte[] extended = EventCodec.json().writeValueAsBytes(document);

        assertThat(validate(type, new String(extended, UTF_8))).isEmpty();
        assertThat(EventCodec.fromJson(type, extended)).isEqualTo(sample);
    }

    @ParameterizedTest
    @MethodSource("requiredFields")
    void documentWithoutARequiredFieldFailsTheSchemaAndTheReader(EventType<?> type, String field) throws IOException {
        ObjectNode document = tree(Samples.first(type));
        document.remove(field);
        byte[] incomplete = EventCodec.json().writeValueAsBytes(document);

        List<Error> errors = validate(type, new String(incomplete, UTF_8));
        assertThat(errors).anySatisfy(error -> {
            assertThat(error.getKeyword()).isEqualTo("required");
            assertThat(error.getProperty()).isEqualTo(field);
        });
        assertThatExceptionOfType(MalformedRecordException.class)
                .isThrownBy(() -> EventCodec.fromJson(type, incomplete))
                .withMessageContaining(type.ceType())
                .withMessageContaining(field);
    }

    @Test
    void documentWithoutANestedRequiredFieldFailsTheSchemaAndTheReader() throws IOException {
        ObjectNode document = tree(Samples.vendorVfioHost());
        ((ObjectNode) document.get("gpus").get(0)).remove("memoryMib");
        byte[] incomplete = EventCodec.json().writeValueAsBytes(document);

        List<Error> errors =
                validate(EventTypes.HOST_SNAPSHOT, new String(incomplete, UTF_8));
        assertThat(errors).anySatisfy(error -> assertThat(error.getProperty()).isEqualTo("memoryMib"));
        assertThatExceptionOfType(MalformedRecordException.class)
                .isThrownBy(() -> EventCodec.fromJson(EventTypes.HOST_SNAPSHOT, incomplete))
                .withMessageContaining("gpus[0].memoryMib");
    }

    @Test
    void nullableFieldsAcceptNullAndRequiredOnesDoNot() throws IOException {
        ObjectNode document = tree(Samples.vgpuRequested());
        assertThat(validate(EventTypes.VGPU_STATE_CHANGED, document.toString())).isEmpty();

        document.putNull("current");
        assertThat(validate(EventTypes.VGPU_STATE_CHANGED, document.toString()))
                .anySatisfy(error -> assertThat(error.getInstanceLocation().toString()).contains("current"));
    }

    @Test
    void enumFieldsListTheirValues() throws IOException {
        ObjectNode document = tree(Samples.gpuHealthChanged());
        document.put("current", "SMOKING");

        assertThat(validate(EventTypes.GPU_HEALTH_CHANGED, document.toString()))
                .anySatisfy(error -> assertThat(error.getKeyword()).isEqualTo("enum"));
    }

    @Test
    void instantsAreRfc3339Times() throws IOException {
        ObjectNode document = tree(Samples.gpuCordonChanged());
        assertThat(document.get("changedAt").asString()).isEqualTo("2025-06-02T08:15:30.125Z");

        document.put("changedAt", "yesterday at noon");
        assertThat(validate(EventTypes.GPU_CORDON_CHANGED, document.toString()))
                .anySatisfy(error -> assertThat(error.getKeyword()).isEqualTo("format"));
    }

    // ---------------------------------------------------------------- helpers

    /** Two-space indent, {@code "key": value}, one array element a line, a trailing newline. */
    static String render(Map<String, Object> schema) {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        return EventCodec.json().writer().with(printer).writeValueAsString(schema) + "\n";
    }

    private static String committed(EventType<?> type) throws IOException {
        return Files.readString(RESOURCES.resolve(JsonSchemas.resourceName(type)), UTF_8);
    }

    /** Validates with {@code format} asserted, not only annotated, so a time must be an RFC 3339 time. */
    private static List<Error> validate(EventType<?> type, String document) throws IOException {
        Schema schema = SCHEMAS.getSchema(committed(type), InputFormat.JSON);
        return schema.validate(document, InputFormat.JSON, (ExecutionContext context) ->
                context.executionConfig(config -> config.formatAssertionsEnabled(true)));
    }

    private static ObjectNode tree(Object sample) {
        return (ObjectNode) EventCodec.json().readTree(EventCodec.toJson(sample));
    }

    private static List<String> requiredOf(EventType<?> type) {
        JsonNode required = EventCodec.json().valueToTree(JsonSchemas.of(type)).get("required");
        return required.valueStream().map(JsonNode::asString).toList();
    }
}
