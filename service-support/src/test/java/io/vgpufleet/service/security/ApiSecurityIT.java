package io.vgpufleet.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.audit.WriteAudited;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import io.vgpufleet.testing.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The done-when of issue 9's security item: unauthenticated write 401, viewer's 403, operator's accepted and audited. */
@RealKafka
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = SecuredTestApplication.PROPERTIES)
class ApiSecurityIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Autowired
    Environment environment;

    @Autowired
    EventCodec codec;

    @Autowired
    SecuredTestApplication.ThingsApi things;

    @Autowired
    JwtDecoder decoder;

    @Test
    void anUnauthenticatedWriteIs401AndAuditedAsAnonymous(KafkaBroker broker) throws Exception {
        int before = things.created.get();
        String requestId = requestId();

        HttpResponse<String> refused = send("POST", "/api/v1/things", null, requestId);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertProblem(refused, "needs a bearer token");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer"));
        assertThat(things.created.get()).isEqualTo(before);
        WriteAudited audit = awaitAudit(broker, requestId);
        assertThat(audit.status()).isEqualTo(401);
        assertThat(audit.authenticated()).isFalse();
        assertThat(audit.principal()).isEqualTo(WriteAudited.ANONYMOUS);
        assertThat(audit.roles()).isEmpty();
        assertThat(audit.method()).isEqualTo("POST");
        assertThat(audit.path()).isEqualTo("/api/v1/things");
    }

    @Test
    void aViewersWriteIs403NamingTheRoleItNeedsAndIsAudited(KafkaBroker broker) throws Exception {
        int before = things.created.get();
        String requestId = requestId();

        HttpResponse<String> refused = send("POST", "/api/v1/things", TestTokens.bearer("vera", "viewer"), requestId);

        assertThat(refused.statusCode()).isEqualTo(403);
        JsonNode problem = assertProblem(refused, "needs the role operator");
        assertThat(problem.path("requiredRole").asString()).isEqualTo("operator");
        assertThat(problem.path("detail").asString()).contains("[viewer]");
        assertThat(things.created.get()).isEqualTo(before);
        WriteAudited audit = awaitAudit(broker, requestId);
        assertThat(audit.status()).isEqualTo(403);
        assertThat(audit.principal()).isEqualTo("vera");
        assertThat(audit.authenticated()).isTrue();
        assertThat(audit.roles()).containsExactly("viewer");
    }

    @Test
    void anOperatorsWriteIsAcceptedDoneAndAudited(KafkaBroker broker) throws Exception {
        int before = things.created.get();
        String requestId = requestId();

        HttpResponse<String> accepted = send("POST", "/api/v1/things", TestTokens.bearer("olga", "operator"), requestId);

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(things.created.get()).isEqualTo(before + 1);
        assertThat(accepted.headers().firstValue(WriteAuditFilter.REQUEST_ID)).hasValue(requestId);
        ConsumerRecord<byte[], byte[]> record = new TopicProbe(broker.bootstrapServers()).await(
                TopicCatalogue.AUDIT_WRITES.name(), DEADLINE, r -> requestId.equals(decode(r).requestId()));
        assertThat(TopicProbe.key(record)).as("keyed by principal").isEqualTo("olga");
        WriteAudited audit = decode(record);
        assertThat(audit.accepted()).isTrue();
        assertThat(audit.status()).isEqualTo(202);
        assertThat(audit.service()).isEqualTo("security-it");
        assertThat(audit.principal()).isEqualTo("olga");
        assertThat(audit.roles()).containsExactly("operator");
        assertThat(audit.method()).isEqualTo("POST");
        assertThat(audit.path()).isEqualTo("/api/v1/things");
        assertThat(audit.tokenId()).isNotBlank();
        assertThat(audit.clientAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void aTokenSignedByAnotherKeyOrExpiredIsRefusedWith401() throws Exception {
        int before = things.created.get();

        HttpResponse<String> stranger = send("POST", "/api/v1/things", TestTokens.bearerSignedByAnotherKey("admin"), null);
        HttpResponse<String> expired = send("POST", "/api/v1/things",
                "Bearer " + TestTokens.token("old", List.of("admin"), Duration.ofMinutes(-5)), null);
        HttpResponse<String> garbage = send("POST", "/api/v1/things", "Bearer not.a.jwt", null);

        assertThat(stranger.statusCode()).isEqualTo(401);
        assertProblem(stranger, "the bearer token was refused");
        assertThat(expired.statusCode()).isEqualTo(401);
        assertProblem(expired, "expired");
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(things.created.get()).isEqualTo(before);
    }

    @Test
    void theIssuerIsKeptAsTheTokensTextWhetherURNOrURL() {
        Jwt urn = decoder.decode(TestTokens.token("ursula", List.of("viewer"), Duration.ofMinutes(5)));
        Jwt url = decoder.decode(TestTokens.tokenIssuedBy("https://idp.example.net/realms/fleet", "ulla", List.of("viewer")));

        assertThat(urn.getClaims().get("iss")).isEqualTo(TestTokens.ISSUER);
        // Spring's default would make this one a java.net.URL
        assertThat(url.getClaims().get("iss")).isEqualTo("https://idp.example.net/realms/fleet");
        assertThat(url.getSubject()).isEqualTo("ulla");
    }

    @Test
    void readsNeedAViewerAndFleetWideDeletesAnAdmin() throws Exception {
        assertThat(send("GET", "/api/v1/things", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/things", TestTokens.bearer(TestTokens.VIEWER), null).statusCode()).isEqualTo(200);

        int before = things.deleted.get();
        HttpResponse<String> operator = send("DELETE", "/api/v1/things", TestTokens.bearer(TestTokens.OPERATOR), null);
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(operator.body()).path("requiredRole").asString()).isEqualTo("admin");
        assertThat(things.deleted.get()).isEqualTo(before);
        assertThat(send("DELETE", "/api/v1/things", TestTokens.bearer(TestTokens.ADMIN), null).statusCode()).isEqualTo(204);
        assertThat(things.deleted.get()).isEqualTo(before + 1);
    }

    @Test
    void actuatorShowsHealthAndMetricsToAnyoneAndTheRestOnlyToAnAdmin() throws Exception {
        assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/health/liveness", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/prometheus", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/env", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/actuator/env", TestTokens.bearer(TestTokens.OPERATOR), null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/actuator/env", TestTokens.bearer(TestTokens.ADMIN), null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/health/../env", null, null).statusCode()).isIn(400, 401);
    }

    @Test
    void aHostileRequestIdIsReplacedByOneTheServiceMakes() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/things", TestTokens.bearer(TestTokens.OPERATOR),
                "-rm -rf " + "x".repeat(200));
        String given = response.headers().firstValue(WriteAuditFilter.REQUEST_ID).orElseThrow();
        assertThat(UUID.fromString(given)).isNotNull();
    }

    @Test
    void aServiceWithoutAKeyDoesNotStart() {
        SpringApplicationBuilder noKey = new SpringApplicationBuilder(SecuredTestApplication.class)
                .properties(SecuredTestApplication.PROPERTIES.strip().split("\n"))
                .properties("server.port=0", "spring.security.oauth2.resourceserver.jwt.public-key-location=");

        assertThatThrownBy(() -> noKey.run().close())
                .rootCause().hasMessageContaining("no key to verify bearer tokens");
    }

    private WriteAudited awaitAudit(KafkaBroker broker, String requestId) {
        return decode(new TopicProbe(broker.bootstrapServers()).await(TopicCatalogue.AUDIT_WRITES.name(), DEADLINE,
                record -> requestId.equals(decode(record).requestId())));
    }

    private WriteAudited decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return (WriteAudited) codec.decode(record.topic(), record.headers(), record.value()).payload();
        } catch (MalformedRecordException e) {
            throw new AssertionError("unreadable audit record: " + e.getMessage(), e);
        }
    }

    private static JsonNode assertProblem(HttpResponse<String> response, String detail) {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
        assertThat(problem.path("detail").asString()).contains(detail);
        return problem;
    }

    private static String requestId() {
        return "it-" + UUID.randomUUID();
    }

    private HttpResponse<String> send(String method, String path, @Nullable String authorization, @Nullable String requestId)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header(TestTokens.AUTHORIZATION, authorization);
        }
        if (requestId != null) {
            request.header(WriteAuditFilter.REQUEST_ID, requestId);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
