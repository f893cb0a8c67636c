package io.vgpufleet.service.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.time.Clock;
import java.util.UUID;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.cloud.stream.binder.kafka.utils.DlqDestinationResolver;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.SubscribableChannel;

/**
 * What every service needs to speak the suite's Kafka conventions: the codec (CloudEvents headers,
 * JSON), a publisher (idempotent, {@code acks=all}), the topic catalogue provisioned before any binding
 * starts, and decoding of consumed records with their metrics.
 *
 * <p>Properties: {@code spring.kafka.bootstrap-servers} (the broker), {@code spring.application.name}
 * (the CloudEvents source {@code urn:vgpu:service:<name>}), {@code vgpu.kafka.replication-factor}
 * (default 3, lowered to the cluster size), {@code vgpu.kafka.provision-topics} (default true; false where an
 * admin job provisions the catalogue), and Spring Boot's {@code spring.kafka.security.*},
 * {@code spring.kafka.ssl.*} for TLS ({@link KafkaClientSecurity}).
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
public class MessagingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec(Clock clock, @Value("${spring.application.name}") String service) {
        return new EventCodec(clock, UUID::randomUUID, "urn:vgpu:service:" + service);
    }

    /** TLS or SASL settings from {@code spring.kafka.*}, for the clients a service makes itself. */
    @Bean
    @ConditionalOnMissingBean
    KafkaClientSecurity kafkaClientSecurity(KafkaProperties kafka) {
        return KafkaClientSecurity.from(kafka);
    }

    @Bean
    TopicCatalogueProvisioning topicCatalogueProvisioning(
            @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
            @Value("${vgpu.kafka.replication-factor:3}") short replicationFactor,
            @Value("${vgpu.kafka.provision-topics:true}") boolean provisionTopics,
            KafkaClientSecurity security) {
        return new TopicCatalogueProvisioning(bootstrapServers, replicationFactor, security, provisionTopics);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    EventPublisher eventPublisher(
            EventCodec codec,
            @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
            @Value("${spring.application.name}") String service,
            MeterRegistry meters,
            TopicCatalogueProvisioning provisioned,
            KafkaClientSecurity security) {
        return new EventPublisher(EventPublisher.producer(bootstrapServers, service, security.settings()), codec,
                (topic, ceType) -> meters.counter(ServiceMetrics.RECORDS_PRODUCED, "topic", topic, "type", ceType)
                        .increment());
    }

    /** The publisher's producer's client metrics (records sent per topic, errors, latency) in the registry. */
    @Bean(destroyMethod = "close")
    KafkaClientMetrics publisherClientMetrics(EventPublisher publisher, MeterRegistry meters) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(publisher.producer());
        metrics.bindTo(meters);
        return metrics;
    }

    /**
     * Kafka client meters without Spring's {@code spring.id} tag: the binder's consumers tag their client
     * metrics with it, the publisher's producer and the streams' clients do not, and Prometheus takes one set
     * of tag keys per name, so whichever registered second was refused ("registration has failed" at every
     * start) and those clients' metrics, consumer lag among them, were missing. {@code client.id} still tells
     * the clients apart.
     */
    @Bean
    MeterFilter kafkaMetersWithoutSpringId() {
        return MeterFilter.ignoreTags(SPRING_ID_TAG);
    }

    static final String SPRING_ID_TAG = "spring.id";

    /** Dead letters go to {@code <topic>.dlq}, the catalogue's dead-letter topic of the record's topic. */
    @Bean
    DlqDestinationResolver deadLetterTopics() {
        return (record, exception) -> TopicCatalogue.byName(record.topic())
                .map(TopicCatalogue::deadLetterOf)
                .map(Topic::name)
                .orElseThrow(() -> new IllegalStateException(record.topic() + " is not in the topic catalogue"));
    }

    /**
     * Failures of the bindings' consumers are logged by {@link ConsumerErrorLog} (one line per dead-lettered
     * record); Spring Integration's own error logger is silenced in the service defaults.
     */
    @Bean
    SmartInitializingSingleton consumerErrorLogSubscription(ApplicationContext context) {
        return () -> {
            if (context.containsBean("errorChannel")
                    && context.getBean("errorChannel") instanceof SubscribableChannel errors) {
                errors.subscribe(new ConsumerErrorLog());
            }
        };
    }

    @Bean
    InboundRecords inboundRecords(EventCodec codec, MeterRegistry meters, TopicCatalogueProvisioning provisioned) {
        return new InboundRecords(codec, meters);
    }
}
