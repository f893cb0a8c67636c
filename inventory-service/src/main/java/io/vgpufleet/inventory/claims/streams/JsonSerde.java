package io.vgpufleet.inventory.claims.streams;

import io.vgpufleet.contracts.messaging.EventCodec;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/**
 * A ledger store's value format: JSON with the contracts' mapper (unknown fields ignored, so fields can be
 * added). Used for a host's {@code Capacity} and for one active {@code ClaimChanged}.
 */
final class JsonSerde<T> implements Serde<T> {

    private final Class<T> type;

    JsonSerde(Class<T> type) {
        this.type = type;
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
                throw new SerializationException("unreadable " + type.getSimpleName() + " in a claim ledger store: "
                        + e.getOriginalMessage(), e);
            }
        };
    }
}
