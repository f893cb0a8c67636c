package io.vgpufleet.service.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** A binder consumer's client meter (tagged spring.id) and a plain client's meter of the same name both scrape. */
class KafkaMeterTagsTest {

    @Test
    void clientMetersWithAndWithoutSpringIdAreBothRegistered() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MessagingAutoConfiguration().kafkaMetersWithoutSpringId());

        registry.gauge("kafka.app.info.start.time.ms", io.micrometer.core.instrument.Tags.of("client.id", "producer-1",
                "kafka.version", "4.1.2"), 1.0);
        registry.gauge("kafka.app.info.start.time.ms", io.micrometer.core.instrument.Tags.of("client.id", "consumer-1",
                "kafka.version", "4.1.2", MessagingAutoConfiguration.SPRING_ID_TAG, "binding.consumer-1"), 2.0);

        String scrape = registry.scrape();
        assertThat(scrape).contains("kafka_app_info_start_time_ms{client_id=\"producer-1\",kafka_version=\"4.1.2\"}")
                .contains("kafka_app_info_start_time_ms{client_id=\"consumer-1\",kafka_version=\"4.1.2\"}")
                .doesNotContain("spring_id");
    }
}
