package io.vgpufleet.agent.publishing;

import io.vgpufleet.contracts.messaging.TopicProvisioner;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Provisions the whole topic catalogue at the agent's start, as every component does, so whichever
 * comes up first creates the topics. Replication factor 3, lowered to the cluster's size.
 */
public final class TopicSetup {

    private static final short REPLICATION_FACTOR = 3;

    private TopicSetup() {}

    /** @param kafkaSecurity TLS settings of the agent; empty for plaintext */
    public static TopicProvisioner.Report provision(String bootstrapServers, String clientId,
            Map<String, Object> kafkaSecurity) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(kafkaSecurity);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        config.put(AdminClientConfig.ENABLE_METRICS_PUSH_CONFIG, false); // no telemetry push: see NodeAgent.PRODUCER_OVERRIDES
        try (Admin admin = Admin.create(config)) {
            return new TopicProvisioner(admin, REPLICATION_FACTOR).provision();
        }
    }
}
