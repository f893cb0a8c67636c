/**
 * Kafka for the Spring services: topic provisioning before bindings start, the event publisher, and
 * decoding of consumed records with dead letters and metrics. Services depend on this package; it
 * depends only on contracts, Spring and the Kafka client.
 */
package io.vgpufleet.service.messaging;
