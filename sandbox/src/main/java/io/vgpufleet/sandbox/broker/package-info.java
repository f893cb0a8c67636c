/**
 * The sandbox's Kafka: a real single-node KRaft broker run inside the launcher's JVM from the Kafka
 * server artifacts ({@link io.vgpufleet.sandbox.broker.LocalKafkaBroker}). Depends on the Kafka server
 * classes, {@code contracts} (the topic catalogue) and {@code process} (port checks) only.
 */
@NullMarked
package io.vgpufleet.sandbox.broker;

import org.jspecify.annotations.NullMarked;
