package io.vgpufleet.health.signals;

import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.health.streams.HealthTopology;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the latest signal of each kind per pGPU ({@link LatestSignals}) as the health topology reads them
 * from {@code vgpu.agent.health-signals.v1}: one consumer of the topic for the whole service, so a broken
 * record is dead-lettered once.
 */
@Configuration(proxyBeanMethods = false)
class LatestSignalsConfiguration {

    @Bean
    LatestSignals latestSignals() {
        return new LatestSignals();
    }

    @Bean
    HealthTopology.Listener latestSignalsListener(LatestSignals latest) {
        return new HealthTopology.Listener() {
            @Override
            public void consumed(String topic, String ceType, Object payload) {
                if (payload instanceof HealthSignal signal) {
                    latest.record(signal);
                }
            }
        };
    }
}
