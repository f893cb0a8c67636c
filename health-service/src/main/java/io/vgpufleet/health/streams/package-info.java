/**
 * The Kafka Streams adapter of the policy: {@link io.vgpufleet.health.streams.HealthTopology} reads health
 * signals, cordon changes and host snapshots (re-keyed by pGPU, ADR 0008), keeps each pGPU's
 * {@code GpuHealthState} in a changelogged store, applies the engine, and writes health and cordon changes,
 * drain requests and dead letters. {@link io.vgpufleet.health.streams.HealthStreams}
 * runs it inside the Spring context and answers interactive queries. Depends on {@code policy} and {@code hosts}; the REST
 * and metrics packages depend on it.
 */
package io.vgpufleet.health.streams;
