package io.vgpufleet.testing.tls;

import io.vgpufleet.testing.KafkaBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node KRaft broker in this JVM whose client listener speaks only TLS and requires a client
 * certificate (mutual TLS), signed by the {@link TestCertificates} authority. The broker's principal for a
 * client is the certificate's common name ({@code User:inventory-service}), as in production
 * (docs/security.md). Close it when done.
 *
 * <pre>{@code
 * try (TlsKafkaBroker broker = TlsKafkaBroker.start(tempDir)) {
 *     Path keyStore = broker.certificates().keyStore("inventory-service", null);
 *     Map<String, Object> client = broker.clientSettings(keyStore);
 * }
 * }</pre>
 */
public final class TlsKafkaBroker implements KafkaBroker, AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final TestCertificates certificates;

    private TlsKafkaBroker(KafkaClusterTestKit cluster, TestCertificates certificates) {
        this.cluster = cluster;
        this.certificates = certificates;
    }

    /** Makes the certificates in {@code dir} and starts the broker. */
    public static TlsKafkaBroker start(Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        Path brokerStore = certificates.keyStore("kafka-broker", "dns:localhost,ip:127.0.0.1");
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir.resolve("kafka"))
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        Map<String, Object> broker = new HashMap<>(storeSettings(certificates, brokerStore));
        // the test kit builds PLAINTEXT nodes only; its listener map gives way to one set here
        broker.put("listener.security.protocol.map", nodes.brokerListenerName().value() + ":SSL,"
                + nodes.controllerListenerName().value() + ":PLAINTEXT");
        broker.put("ssl.client.auth", "required");
        broker.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+).*$/$1/,DEFAULT");
        broker.put("auto.create.topics.enable", "false");
        broker.put("group.initial.rebalance.delay.ms", "0");
        broker.put("offsets.topic.replication.factor", "1");
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new TlsKafkaBroker(cluster, certificates);
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public String kind() {
        return "embedded-tls";
    }

    public TestCertificates certificates() {
        return certificates;
    }

    /** Client settings for mutual TLS with {@code keyStore} (one of {@link #certificates()}). */
    public Map<String, Object> clientSettings(Path keyStore) {
        Map<String, Object> settings = new HashMap<>(storeSettings(certificates, keyStore));
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SSL.name);
        return settings;
    }

    private static Map<String, Object> storeSettings(TestCertificates certificates, Path keyStore) {
        return Map.of(
                SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore.toString(),
                SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, certificates.password(),
                SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12",
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.trustStore().toString(),
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.password(),
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    }

    @Override
    public void close() throws IOException {
        try {
            cluster.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the TLS broker did not stop cleanly", e);
        }
    }
}
