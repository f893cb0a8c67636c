package io.vgpufleet.health.streams;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.health.policy.GpuHealthState;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/**
 * The store's value format: the state as JSON, with the contracts' mapper (unknown fields ignored), so a
 * newer service can add fields and an older changelog still restores.
 */
public final class GpuHealthStateSerde implements Serde<GpuHealthState> {

    @Override
    public Serializer<GpuHealthState> serializer() {
        return (topic, state) -> state == null ? null : EventCodec.json().writeValueAsBytes(state);
    }

    @Override
    public Deserializer<GpuHealthState> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return EventCodec.json().readValue(bytes, GpuHealthState.class);
            } catch (JacksonException e) {
                throw new SerializationException("unreadable pGPU health state: " + e.getOriginalMessage(), e);
            }
        };
    }
}
