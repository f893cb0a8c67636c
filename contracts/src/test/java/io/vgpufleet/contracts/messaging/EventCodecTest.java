package io.vgpufleet.contracts.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.vgpufleet.contracts.Samples;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The codec turns a record into a Kafka record with CloudEvents headers and back, and says why when it cannot. */
class EventCodecTest {

    private static final Instant NOW = Instant.parse("2025-06-02T08:15:31.500Z");
    private static final UUID FIRST_ID = UUID.fromString("0b9d6f3e-2c4a-4e1b-8f7d-5a6c3b2e1d00");
    private static final UUID SECOND_ID = UUID.fromString("0b9d6f3e-2c4a-4e1b-8f7d-5a6c3b2e1d01");
    private static final String SOURCE = "urn:vgpu:agent:kvm-p4-01.lab";

    private final Deque<UUID> ids = new ArrayDeque<>(List.of(FIRST_ID, SECOND_ID));
    private final EventCodec codec = new EventCodec(Clock.fixed(NOW, ZoneOffset.UTC), ids::remove, SOURCE);

    static Stream<Arguments> samples() {
        return EventTypes.all().stream().flatMap(type -> {
            List<?> samples = Samples.of(type);
            return Stream.iterate(0, i -> i < samples.size(), i -> i + 1)
                    .map(i -> argumentSet(type.ceType() + " #" + (i + 1), type, samples.get(i)));
        });
    }

    @Test
    void recordGoesToTheTopicOfItsTypeKeyedLikeItsSubject() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.mdevHost());

        assertThat(record.topic()).isEqualTo("vgpu.agent.host-snapshots.v1");
        assertThat(record.key()).isEqualTo(Samples.MDEV_HOST);
        assertThat(record.partition()).isNull();
        assertThat(record.value()).isEqualTo(EventCodec.toJson(Samples.mdevHost()));
    }

    @Test
    void recordCarriesEveryCloudEventsHeader() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.xidErrorObserved());

        assertThat(header(record.headers(), "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record.headers(), "ce_id")).isEqualTo(FIRST_ID.toString());
        assertThat(header(record.headers(), "ce_type")).isEqualTo("vgpu.health.xid-error-observed.v1");
        assertThat(header(record.headers(), "ce_source")).isEqualTo(SOURCE);
        assertThat(header(record.headers(), "ce_time")).isEqualTo("2025-06-02T08:15:31.500Z");
        assertThat(header(record.headers(), "ce_subject")).isEqualTo(Samples.P4_GPU).isEqualTo(record.key());
        assertThat(header(record.headers(), "content-type")).isEqualTo("application/json");
        assertThat(record.headers().toArray()).hasSize(7);
    }

    @Test
    void everyRecordHasAFreshIdFromTheInjectedSupplier() {
        ProducerRecord<String, byte[]> first = codec.record(Samples.gpuLost());
        ProducerRecord<String, byte[]> second = codec.record(Samples.gpuLost());

        assertThat(header(first.headers(), "ce_id")).isEqualTo(FIRST_ID.toString());
        assertThat(header(second.headers(), "ce_id")).isEqualTo(SECOND_ID.toString());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void decodeReadsBackWhatRecordWrote(EventType<?> type, Object sample) throws MalformedRecordException {
        ProducerRecord<String, byte[]> record = codec.record(sample);

        Envelope<?> envelope = codec.decode(record.topic(), record.headers(), record.value());

        assertThat(envelope.type()).isEqualTo(type);
        assertThat(envelope.payload()).isEqualTo(sample);
        assertThat(envelope.attributes()).isEqualTo(new CloudEventAttributes(
                FIRST_ID.toString(), type.ceType(), SOURCE, NOW, type.keyOf(sample)));
    }

    @Test
    void decodeReadsHeadersThroughAnAccessorAsSpringHandsThemOver() throws MalformedRecordException {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuCordonChanged());

        Envelope<?> envelope = codec.decode(record.topic(),
                name -> EventCodec.headerText(record.headers().lastHeader(name) == null
                        ? null
                        : record.headers().lastHeader(name).value()),
                record.value());

        assertThat(envelope.payload()).isEqualTo(Samples.gpuCordonChanged());
        assertThat(EventCodec.headerText("as a string")).isEqualTo("as a string");
    }

    @Test
    void rejectsPayloadsOfUnregisteredClasses() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> codec.record("a string"))
                .withMessage("java.lang.String is not a registered event type");
    }

    // ---------------------------------------------------------------- malformed records

    @ParameterizedTest
    @ValueSource(strings = {"ce_id", "ce_type", "ce_source", "ce_subject", "ce_time"})
    void rejectsARecordMissingARequiredHeader(String name) {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());
        record.headers().remove(name);

        assertMalformed(record.topic(), record.headers(), record.value(), "header " + name + " is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_id", "ce_type", "ce_source", "ce_subject", "ce_time"})
    void rejectsARecordWithABlankRequiredHeader(String name) {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());
        record.headers().remove(name);
        record.headers().add(name, " ".getBytes(UTF_8));

        assertMalformed(record.topic(), record.headers(), record.value(), "header " + name + " is missing");
    }

    @Test
    void rejectsARecordWithoutSpecVersion() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());
        record.headers().remove("ce_specversion");

        assertMalformed(record.topic(), record.headers(), record.value(), "header ce_specversion must be 1.0, was absent");
    }

    @Test
    void rejectsARecordOfAnotherSpecVersion() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());
        record.headers().remove("ce_specversion").add("ce_specversion", "0.3".getBytes(UTF_8));

        assertMalformed(record.topic(), record.headers(), record.value(), "header ce_specversion must be 1.0, was '0.3'");
    }

    @Test
    void rejectsATimeThatIsNotRfc3339WithoutEchoingControlCharacters() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());
        record.headers().remove("ce_time").add("ce_time", "yesterday\r\nforged: line".getBytes(UTF_8));

        assertMalformed(record.topic(), record.headers(), record.value(),
                "header ce_time is not an RFC 3339 time: 'yesterday??forged: line'");
    }

    @Test
    void rejectsAnUnknownType() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());
        record.headers().remove("ce_type").add("ce_type", "vgpu.health.gpu-found.v1\u001b[31m".getBytes(UTF_8));

        assertMalformed(record.topic(), record.headers(), record.value(), "unknown ce_type 'vgpu.health.gpu-found.v1?[31m'");
    }

    @Test
    void rejectsATypeOnATopicItDoesNotTravelOn() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());

        assertMalformed(TopicCatalogue.GPU_HEALTH.name(), record.headers(), record.value(),
                "ce_type vgpu.health.gpu-lost.v1 does not travel on vgpu.health.gpu-health.v1");
    }

    @Test
    void rejectsAnEmptyPayload() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());

        assertMalformed(record.topic(), record.headers(), new byte[0], "payload of vgpu.health.gpu-lost.v1 is empty");
    }

    @Test
    void rejectsATombstone() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());

        assertMalformed(record.topic(), record.headers(), null, "payload of vgpu.health.gpu-lost.v1 is empty");
    }

    @Test
    void rejectsAPayloadThatIsNotJson() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());

        MalformedRecordException e = assertMalformed(record.topic(), record.headers(),
                "<gpu lost=\"yes\"/>".getBytes(UTF_8), "payload is not a valid vgpu.health.gpu-lost.v1: ");
        assertThat(e.getMessage()).contains("Unexpected character ('<'");
    }

    @Test
    void rejectsJsonNull() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());

        assertMalformed(record.topic(), record.headers(), "null".getBytes(UTF_8), "payload of vgpu.health.gpu-lost.v1 is null");
    }

    @Test
    void rejectsTrailingDataAfterTheDocument() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.gpuLost());
        byte[] twoDocuments = (new String(record.value(), UTF_8) + " {}").getBytes(UTF_8);

        assertMalformed(record.topic(), record.headers(), twoDocuments, "payload is not a valid vgpu.health.gpu-lost.v1");
    }

    @Test
    void rejectsJsonThatBreaksAConstructorRuleQuotingTheRule() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.xidErrorObserved());
        byte[] hostile = new String(record.value(), UTF_8)
                .replace(Samples.MDEV_HOST, "../../etc/passwd")
                .getBytes(UTF_8);
        String rule = catchThrowable(() ->
                        new XidErrorObserved("../../etc/passwd", Samples.P4_GPU, Samples.T0, SignalSource.EVENT, 48))
                .getMessage();

        assertMalformed(record.topic(), record.headers(), hostile,
                "payload is not a valid vgpu.health.xid-error-observed.v1: " + rule);
    }

    @Test
    void rejectsAFieldOfTheWrongTypeNamingTheField() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.xidErrorObserved());
        byte[] wrong = new String(record.value(), UTF_8).replace("\"xid\":48", "\"xid\":\"forty-eight\"").getBytes(UTF_8);

        MalformedRecordException e = assertMalformed(record.topic(), record.headers(), wrong,
                "payload is not a valid vgpu.health.xid-error-observed.v1: xid: ");
        assertThat(e.getMessage()).contains("forty-eight");
    }

    @Test
    void rejectsAnUnknownEnumValueNamingTheField() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.xidErrorObserved());
        byte[] wrong = new String(record.value(), UTF_8).replace("\"EVENT\"", "\"RUMOUR\"").getBytes(UTF_8);

        assertMalformed(record.topic(), record.headers(), wrong,
                "payload is not a valid vgpu.health.xid-error-observed.v1: source: ");
    }

    @Test
    void reasonsNeverEchoControlCharactersFromThePayload() {
        ProducerRecord<String, byte[]> record = codec.record(Samples.xidErrorObserved());
        byte[] wrong = new String(record.value(), UTF_8)
                .replace("\"EVENT\"", "\"EV\\u001b]0;pwned\\u0007ENT\\u0085\"")
                .getBytes(UTF_8);

        MalformedRecordException e = assertMalformed(record.topic(), record.headers(), wrong, "source: ");
        assertThat(e.getMessage()).doesNotContainPattern("\\p{Cc}");
    }

    @Test
    void sourceMustNotBeBlank() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new EventCodec(Clock.systemUTC(), UUID::randomUUID, " "))
                .withMessage("source must not be blank");
    }

    private MalformedRecordException assertMalformed(
            String topic, Headers headers, byte @Nullable [] value, String reason) {
        Throwable thrown = catchThrowable(() -> codec.decode(topic, headers, value));

        assertThat(thrown).isExactlyInstanceOf(MalformedRecordException.class).hasMessageContaining(reason);
        return (MalformedRecordException) thrown;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        assertThat(headers.headers(name)).as("copies of header %s", name).hasSize(1);
        return new String(header.value(), UTF_8);
    }
}
