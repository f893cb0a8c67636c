package io.vgpufleet.inventory.conditions;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.service.messaging.InboundRecords;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Wires {@link GpuConditions} to Kafka: bindings {@code gpuHealth-in-0} and {@code gpuCordons-in-0}
 * read the health-service's compacted topics from their beginning at every start (see application.yml),
 * so a pGPU the health-service took out of service takes no new vGPU.
 */
@Configuration(proxyBeanMethods = false)
class ConditionBindings {

    @Bean
    GpuConditions gpuConditions() {
        return new GpuConditions();
    }

    @Bean
    Consumer<Message<byte[]>> gpuHealth(InboundRecords inbound, GpuConditions conditions) {
        return message -> conditions.apply(inbound.read(message, GpuHealthChanged.class));
    }

    @Bean
    Consumer<Message<byte[]>> gpuCordons(InboundRecords inbound, GpuConditions conditions) {
        return message -> conditions.apply(inbound.read(message, GpuCordonChanged.class));
    }
}
