package io.vgpufleet.health.streams;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.health.hosts.HostFacts;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/** The {@code host-facts} store's value format: JSON with the contracts' mapper (unknown fields ignored). */
final class HostFactsSerde implements Serde<HostFacts> {

    @Override
    public Serializer<HostFacts> serializer() {
        return (topic, facts) -> facts == null ? null : EventCodec.json().writeValueAsBytes(facts);
    }

    @Override
    public Deserializer<HostFacts> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return EventCodec.json().readValue(bytes, HostFacts.class);
            } catch (JacksonException e) {
                throw new SerializationException("unreadable host facts: " + e.getOriginalMessage(), e);
            }
        };
    }
}
