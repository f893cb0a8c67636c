package io.vgpufleet.service.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.audit.WriteAudited;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.tls.TlsKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.messaging.Message;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code kafka-tls} profile against a broker that speaks only mutual TLS: a service starts (topic
 * provisioning), publishes (the audit of a write, through the event publisher) and consumes (a Spring
 * Cloud Stream binding) over TLS; a plaintext client and a TLS client without a certificate get nothing.
 */
class KafkaTlsIT {

    @TempDir
    static Path dir;

    static TlsKafkaBroker broker;
    static Path keyStore;
    static ConfigurableApplicationContext service;

    @BeforeAll
    static void startBrokerAndService() throws Exception {
        broker = TlsKafkaBroker.start(dir);
        keyStore = broker.certificates().keyStore("tls-it-service", null);
        String password = broker.certificates().password();
        // command-line arguments: they win over vgpu-service-defaults.yml, as in production
        service = new SpringApplicationBuilder(TlsService.class)
                .profiles("kafka-tls")
                .run(
                        "--spring.application.name=tls-it-service",
                        "--spring.config.import=classpath:vgpu-service-defaults.yml",
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                        "--spring.cloud.stream.kafka.binder.brokers=" + broker.bootstrapServers(),
                        "--vgpu.kafka.tls.truststore=file:" + broker.certificates().trustStore(),
                        "--vgpu.kafka.tls.truststore-password=" + password,
                        "--vgpu.kafka.tls.keystore=file:" + keyStore,
                        "--vgpu.kafka.tls.keystore-password=" + password,
                        "--spring.cloud.function.definition=auditWrites",
                        "--spring.cloud.stream.bindings.auditWrites-in-0.destination=" + TopicCatalogue.AUDIT_WRITES.name(),
                        "--spring.cloud.stream.bindings.auditWrites-in-0.group=tls-it",
                        "--spring.cloud.stream.kafka.bindings.auditWrites-in-0.consumer.start-offset=earliest");
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aServiceProvisionsPublishesAndConsumesOverMutualTls() throws Exception {
        assertThat(service.getBean(KafkaClientSecurity.class).settings())
                .containsEntry("security.protocol", "SSL")
                .containsKey(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        try (Admin admin = Admin.create(withBootstrap(broker.clientSettings(keyStore)))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("provisioned over TLS").contains(TopicCatalogue.AUDIT_WRITES.name(), TopicCatalogue.HOST_SNAPSHOTS.name());
        }
        String requestId = "tls-" + UUID.randomUUID();
        int port = Integer.parseInt(service.getEnvironment().getRequiredProperty("local.server.port"));
        HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/tls-things"))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR))
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);

        InboundRecords inbound = service.getBean(InboundRecords.class);
        BlockingQueue<Message<byte[]>> consumed = service.getBean(TlsService.class).consumed;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        WriteAudited audit = null;
        while (audit == null && System.nanoTime() < deadline) {
            Message<byte[]> message = consumed.poll(1, TimeUnit.SECONDS);
            if (message != null && inbound.read(message).payload() instanceof WriteAudited candidate
                    && candidate.requestId().equals(requestId)) {
                audit = candidate;
            }
        }
        assertThat(audit).as("the audit record, published and consumed over TLS").isNotNull();
        assertThat(audit.status()).isEqualTo(202);
    }

    @Test
    void aPlaintextClientGetsNothing() {
        Map<String, Object> plaintext = withBootstrap(new HashMap<>());
        plaintext.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        plaintext.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(plaintext)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void aTlsClientWithoutACertificateIsRefused() {
        Map<String, Object> noCertificate = withBootstrap(new HashMap<>(broker.clientSettings(Path.of("unused"))));
        noCertificate.remove(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        noCertificate.remove(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG);
        noCertificate.remove(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG);
        noCertificate.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        noCertificate.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(noCertificate)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
        }
    }

    private static Map<String, Object> withBootstrap(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return config;
    }

    /** A service with one write and one binding, the audit topic. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TlsService {

        final BlockingQueue<Message<byte[]>> consumed = new LinkedBlockingQueue<>();

        @Bean
        Consumer<Message<byte[]>> auditWrites() {
            return consumed::add;
        }

        @Bean
        ThingsApi tlsThings() {
            return new ThingsApi();
        }
    }

    @RestController
    static class ThingsApi {

        @PostMapping("/api/v1/tls-things")
        @ResponseStatus(HttpStatus.ACCEPTED)
        void create() {}
    }
}
