package io.vgpufleet.service.messaging;

import io.vgpufleet.contracts.messaging.TopicProvisioner;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.InitializingBean;

/**
 * Provisions the topic catalogue while the application context is built, before any Spring Cloud
 * Stream binding starts (bindings start with the context's lifecycle, after every singleton exists).
 * The binder's own topic creation is switched off ({@code autoCreateTopics: false}): the catalogue
 * alone decides partitions and cleanup policies.
 */
public final class TopicCatalogueProvisioning implements InitializingBean {

    private final String bootstrapServers;
    private final short replicationFactor;
    private final KafkaClientSecurity security;
    private final boolean enabled;
    private TopicProvisioner.Report report = new TopicProvisioner.Report(java.util.List.of(), java.util.List.of());

    /**
     * @param enabled false where the cluster's topics are provisioned by someone else (an admin job): with
     *     ACLs, provisioning needs rights a service should not have (docs/security.md)
     */
    TopicCatalogueProvisioning(String bootstrapServers, short replicationFactor, KafkaClientSecurity security,
            boolean enabled) {
        this.bootstrapServers = bootstrapServers;
        this.replicationFactor = replicationFactor;
        this.security = security;
        this.enabled = enabled;
    }

    @Override
    public void afterPropertiesSet() throws InterruptedException {
        if (!enabled) {
            return;
        }
        try (Admin admin = Admin.create(security.applyTo(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "topic-provisioning")))) {
            report = new TopicProvisioner(admin, replicationFactor).provision();
        }
    }

    public TopicProvisioner.Report report() {
        return report;
    }
}
