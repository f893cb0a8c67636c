package io.vgpufleet.service.messaging;

/**
 * Metric names every service shares. Tags: {@code topic} and {@code type} ({@code ce_type}), both bounded.
 *
 * <p>Beside these, every service exports the Kafka clients' own metrics under Micrometer's
 * {@code kafka.*} names (its publisher's producer: {@link #PRODUCER_RECORDS_SENT}; the binder's consumers:
 * {@link #CONSUMER_LAG_MAX}), which the dashboards and the consumer-lag alert read.
 */
public final class ServiceMetrics {

    /** Records the broker took from this service's publisher, by topic and type. */
    public static final String RECORDS_PRODUCED = "vgpu.records.produced";

    /** Kafka producer client metric: records sent per topic (Prometheus {@code kafka_producer_topic_record_send_total}). */
    public static final String PRODUCER_RECORDS_SENT = "kafka.producer.topic.record.send";

    /** Kafka consumer client metric: the largest lag in records of any partition the consumer reads. */
    public static final String CONSUMER_LAG_MAX = "kafka.consumer.fetch.manager.records.lag.max";

    /** Records read and decoded, by topic and type. */
    public static final String RECORDS_CONSUMED = "vgpu.records.consumed";

    /** Records that could not be read and went to the dead-letter topic, by source topic. */
    public static final String RECORDS_DEAD_LETTERED = "vgpu.records.dead.lettered";

    private ServiceMetrics() {}
}
