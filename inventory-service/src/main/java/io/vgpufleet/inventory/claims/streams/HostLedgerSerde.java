package io.vgpufleet.inventory.claims.streams;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.inventory.claims.ledger.HostLedger;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/** The ledger store's value format: JSON with the contracts' mapper (unknown fields ignored, so fields can be added). */
final class HostLedgerSerde implements Serde<HostLedger> {

    @Override
    public Serializer<HostLedger> serializer() {
        return (topic, ledger) -> ledger == null ? null : EventCodec.json().writeValueAsBytes(ledger);
    }

    @Override
    public Deserializer<HostLedger> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return EventCodec.json().readValue(bytes, HostLedger.class);
            } catch (JacksonException e) {
                throw new SerializationException("unreadable host claim ledger: " + e.getOriginalMessage(), e);
            }
        };
    }
}
