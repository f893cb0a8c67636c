package io.vgpufleet.service.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The security settings of every Kafka client a service makes itself (the event publisher, topic
 * provisioning, Kafka Streams), taken from Spring Boot's {@code spring.kafka.*}: {@code security.protocol},
 * {@code ssl.*} (from {@code spring.kafka.ssl.*}) and anything {@code security.}, {@code ssl.} or
 * {@code sasl.} under {@code spring.kafka.properties.*}. The Spring Cloud Stream binder reads the same
 * properties itself, so a service speaks to the cluster one way whichever client it uses.
 *
 * <p>Empty for a plaintext cluster. The {@code kafka-tls} profile (vgpu-service-defaults.yml) fills it
 * for mutual TLS; docs/security.md lists the properties.
 */
public record KafkaClientSecurity(Map<String, Object> settings) {

    public KafkaClientSecurity {
        settings = Map.copyOf(settings);
    }

    public static KafkaClientSecurity none() {
        return new KafkaClientSecurity(Map.of());
    }

    static KafkaClientSecurity from(KafkaProperties properties) {
        Map<String, Object> settings = new HashMap<>();
        properties.buildAdminProperties().forEach((key, value) -> {
            if (value != null && (key.startsWith("security.") || key.startsWith("ssl.") || key.startsWith("sasl."))) {
                settings.put(key, value);
            }
        });
        return new KafkaClientSecurity(settings);
    }

    /** {@code config} with these settings added (they win over the same keys in {@code config}). */
    public Map<String, Object> applyTo(Map<String, Object> config) {
        Map<String, Object> merged = new HashMap<>(config);
        merged.putAll(settings);
        return merged;
    }

    /** The settings with every password masked, for logs. */
    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        settings.forEach((key, value) -> shown.put(key,
                key.contains("password") || key.contains("jaas") ? "[hidden]" : value));
        return "KafkaClientSecurity" + shown;
    }
}
