/**
 * migration-service: one persisted saga per live migration and drains of pGPUs or hosts. Feature packages:
 * pure decisions in {@code sagas}, {@code compatibility}, {@code drains}, {@code downtime}, {@code fleet};
 * adapters in {@code claims} (inventory over HTTP), {@code runtime} (Kafka, the engine) and {@code api} (REST).
 */
package io.vgpufleet.migration;
