package io.vgpufleet.health.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    GpuMeters gpuMeters(MeterRegistry registry) {
        return new GpuMeters(registry);
    }
}
