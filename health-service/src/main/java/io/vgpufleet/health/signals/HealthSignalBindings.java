package io.vgpufleet.health.signals;

import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.service.messaging.InboundRecords;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Binding {@code healthSignals-in-0}: every health signal of the fleet, keyed by pGPU. The signals are
 * kept per pGPU ({@link LatestSignals}) and served over REST; the policy that turns them into verdicts
 * comes with the health-service issue.
 */
@Configuration(proxyBeanMethods = false)
class HealthSignalBindings {

    @Bean
    LatestSignals latestSignals() {
        return new LatestSignals();
    }

    @Bean
    Consumer<Message<byte[]>> healthSignals(InboundRecords inbound, LatestSignals latest) {
        return message -> latest.record(inbound.read(message, HealthSignal.class));
    }
}
