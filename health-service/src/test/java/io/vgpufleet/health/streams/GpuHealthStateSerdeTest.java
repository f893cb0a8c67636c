package io.vgpufleet.health.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.health.policy.GpuHealthState;
import io.vgpufleet.health.policy.HealthPolicy;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.health.policy.Signals;
import io.vgpufleet.service.messaging.JsonStoreSerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class GpuHealthStateSerdeTest {

    private final JsonStoreSerde<GpuHealthState> serde =
            new JsonStoreSerde<>(GpuHealthState.class, "pGPU health state");

    @Test
    void aStateWithFindingsSamplesTransitionsAndACordonRoundTrips() {
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        HealthPolicyEngine engine = new HealthPolicyEngine(HealthPolicy.defaults());
        GpuHealthState state = engine.configure(null,
                new io.vgpufleet.health.policy.GpuConfiguration(Signals.HOST, Signals.GPU, true, true, 2), t0).state();
        state = engine.apply(state, Signals.ecc(t0, 150, 1, 150), t0).state();
        assertThat(state.drainRequestedAt()).isEqualTo(t0);
        state = engine.apply(state, Signals.xid(t0, 63), t0.plusSeconds(1)).state();
        state = engine.cordonObserved(state,
                new GpuCordonChanged(Signals.GPU, Signals.HOST, true, "checked", "operator", t0));

        byte[] bytes = serde.serializer().serialize("changelog", state);

        assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(state);
    }

    @Test
    void unknownFieldsFromANewerServiceAreIgnored() {
        String json = "{\"gpuUuid\":\"" + Signals.GPU + "\",\"hostId\":\"h\",\"health\":\"HEALTHY\",\"rule\":\"r\","
                + "\"evidence\":{},\"since\":\"2026-11-25T10:00:00Z\",\"findings\":{},\"lastEvidence\":{},"
                + "\"correctedErrors\":[],\"transitions\":[],\"cordon\":null,\"addedLater\":42}";

        GpuHealthState state = serde.deserializer().deserialize("changelog", json.getBytes(StandardCharsets.UTF_8));

        assertThat(state.rule()).isEqualTo("r");
        assertThat(state.configuration()).as("an older changelog: no snapshot seen").isNull();
        assertThat(state.drainRequestedAt()).isNull();
    }

    @Test
    void anUnreadableStateSaysSo() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", "{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageStartingWith("unreadable pGPU health state: ");
    }
}
