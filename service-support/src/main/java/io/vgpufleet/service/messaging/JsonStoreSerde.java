package io.vgpufleet.service.messaging;

import io.vgpufleet.contracts.messaging.EventCodec;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/**
 * The value format of a Kafka Streams state store (and its changelog): JSON with the contracts' mapper,
 * which ignores unknown fields, so a newer service can add fields and an older changelog still restores. A
 * value that cannot be read is a {@link SerializationException} naming what it should have been.
 *
 * <pre>{@code
 * Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("host-facts"), Serdes.String(),
 *         new JsonStoreSerde<>(HostFacts.class, "host facts"))
 * }</pre>
 */
public final class JsonStoreSerde<T> implements Serde<T> {

    private final Class<T> type;
    private final String what;

    /** @param what the value in words, for the error of an unreadable one (e.g. "pGPU health state") */
    public JsonStoreSerde(Class<T> type, String what) {
        this.type = type;
        this.what = what;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : EventCodec.json().writeValueAsBytes(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return EventCodec.json().readValue(bytes, type);
            } catch (JacksonException e) {
                throw new SerializationException("unreadable " + what + ": " + e.getOriginalMessage(), e);
            }
        };
    }
}
