/**
 * The Kafka Streams adapter of the policy: {@link io.vgpufleet.health.streams.HealthTopology} reads health
 * signals and cordon changes, keeps each pGPU's {@code GpuHealthState} in a changelogged store, applies the
 * engine, and writes health and cordon changes (and dead letters). {@link io.vgpufleet.health.streams.HealthStreams}
 * runs it inside the Spring context and answers interactive queries. Depends on {@code policy}; the REST
 * and metrics packages depend on it.
 */
package io.vgpufleet.health.streams;
