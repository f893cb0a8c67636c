package io.vgpufleet.service.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StaticMembershipTest {

    @Test
    void aConfiguredIdIsUsedAsItIs() {
        assertThat(StaticMembership.instanceId("inventory-a", 0)).contains("inventory-a");
        assertThat(StaticMembership.instanceId("inventory-a", 8081)).contains("inventory-a");
    }

    @Test
    void withoutOneAFixedPortGivesHostAndPortAndARandomPortNoId() {
        assertThat(StaticMembership.instanceId("", 8081)).hasValueSatisfying(id -> assertThat(id)
                .matches("[A-Za-z0-9._-]+-8081"));
        assertThat(StaticMembership.instanceId("", 8081)).isEqualTo(StaticMembership.instanceId("", 8081));
        assertThat(StaticMembership.instanceId("", 8082)).isNotEqualTo(StaticMembership.instanceId("", 8081));
        assertThat(StaticMembership.instanceId(" ", 0)).isEmpty();
    }

    @Test
    void aHostileConfiguredIdIsRefused() {
        assertThatThrownBy(() -> StaticMembership.instanceId("a b", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticMembership.instanceId("-x", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theIdGoesToTheMainConsumersOnly() {
        Properties config = new Properties();
        StaticMembership.apply(config, Optional.of("inventory-a"));
        assertThat(config).containsExactly(java.util.Map.entry("main.consumer.group.instance.id", "inventory-a"));
        Properties none = new Properties();
        StaticMembership.apply(none, Optional.empty());
        assertThat(none).isEmpty();
    }
}
