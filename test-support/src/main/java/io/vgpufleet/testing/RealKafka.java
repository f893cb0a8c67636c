package io.vgpufleet.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real Kafka broker, one per test JVM, shared by every class.
 *
 * <p>Which broker: the system property {@code kafka.test.broker} says {@code testcontainers} (the
 * {@code apache/kafka} image; needs a Docker engine), {@code embedded} (an in-JVM KRaft broker from
 * spring-kafka-test), or {@code auto} (the default: Testcontainers where a Docker engine answers,
 * otherwise embedded).
 *
 * <p>Before the class runs, the broker's address is set as the system properties
 * {@code kafka.bootstrap.servers}, {@code spring.kafka.bootstrap-servers} and
 * {@code spring.cloud.stream.kafka.binder.brokers}, so a Spring Boot test context started afterwards
 * finds it; a test method or constructor may also take a {@link KafkaBroker} parameter.
 *
 * <pre>{@code
 * @RealKafka
 * @SpringBootTest(webEnvironment = RANDOM_PORT)
 * class InventoryServiceIT { ... }
 * }</pre>
 * Put {@code @RealKafka} before {@code @SpringBootTest} so its extension runs first.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealKafkaExtension.class)
public @interface RealKafka {}
