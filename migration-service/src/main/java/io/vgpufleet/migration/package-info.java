/**
 * migration-service: one persisted saga per live migration and drains of pGPUs or hosts. Feature
 * packages: {@code sagas}.
 */
package io.vgpufleet.migration;
