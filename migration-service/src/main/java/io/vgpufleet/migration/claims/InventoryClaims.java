package io.vgpufleet.migration.claims;

import io.vgpufleet.migration.sagas.ClaimAnswer;
import io.vgpufleet.migration.sagas.SagaEffect;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Claims through the inventory-service's REST API ({@code POST /api/v1/claims}, {@code DELETE
 * /api/v1/claims/{id}}): the claim id is the idempotency key, the placement pins the target host and pGPU
 * and the type, and the claim names the target vGPU's UUID, so the inventory confirms it when the target's
 * snapshot shows that vGPU. 201 is a grant, 409 a refusal with the inventory's reasons, anything else (or no
 * answer) unavailable.
 */
public final class InventoryClaims implements TargetClaims {

    static final String REQUESTER = "migration-service";

    private final URI base;
    private final HttpClient http;
    /** The {@code Authorization} header value to send, where this service has a token. */
    private final Supplier<Optional<String>> authorization;
    private final Duration timeout;
    private final JsonMapper json = JsonMapper.builder().build();

    public InventoryClaims(URI base, Duration timeout, Supplier<Optional<String>> authorization) {
        this.authorization = authorization;
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public ClaimAnswer claim(SagaEffect.RequestClaim request) {
        Map<String, Object> placement = new LinkedHashMap<>();
        placement.put("typeId", request.typeId());
        placement.put("count", 1);
        placement.put("hostAffinity", List.of(request.hostId()));
        placement.put("gpuAffinity", List.of(request.gpuUuid()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("claimId", request.claimId());
        body.put("vmId", request.vmId());
        body.put("requester", REQUESTER);
        body.put("ttlSeconds", Math.max(1, Math.min(3600, request.ttl().toSeconds())));
        body.put("placement", placement);
        body.put("vgpuUuids", List.of(request.vgpuUuid()));
        try {
            HttpResponse<String> response = http.send(authorized(base.resolve("/api/v1/claims"))
                    .timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return answer(request, response.statusCode(), response.body());
        } catch (IOException e) {
            return new ClaimAnswer.Unavailable(request.claimId(), "inventory at " + base + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ClaimAnswer.Unavailable(request.claimId(), "interrupted");
        }
    }

    /** Reads the inventory's answer; a grant must name one item on the pinned host. */
    ClaimAnswer answer(SagaEffect.RequestClaim request, int status, String body) {
        try {
            if (status == 201 || status == 200) {
                JsonNode granted = json.readTree(body);
                JsonNode item = granted.path("items").path(0);
                String host = granted.path("hostId").asString("");
                if (!host.equals(request.hostId()) || item.isMissingNode()) {
                    return new ClaimAnswer.Refused(request.claimId(), "the inventory granted another place ("
                            + host + ") than the pinned target");
                }
                String gpu = item.path("gpuUuid").asString(request.gpuUuid());
                String bdf = item.path("pciBdf").asString(request.pciBdf());
                if (!gpu.equals(request.gpuUuid())) {
                    return new ClaimAnswer.Refused(request.claimId(), "the inventory granted pGPU " + gpu
                            + " instead of the pinned " + request.gpuUuid());
                }
                return new ClaimAnswer.Granted(request.claimId(), host, gpu, bdf);
            }
            if (status == 409) {
                JsonNode problem = json.readTree(body);
                StringBuilder reasons = new StringBuilder();
                for (JsonNode reason : problem.path("reasons")) {
                    if (reasons.length() > 0) {
                        reasons.append("; ");
                    }
                    reasons.append(reason.path("reason").asString("?"));
                }
                String detail = problem.path("detail").asString("conflict");
                return new ClaimAnswer.Refused(request.claimId(), reasons.length() == 0 ? detail : reasons.toString());
            }
            return new ClaimAnswer.Unavailable(request.claimId(), "inventory answered HTTP " + status);
        } catch (RuntimeException e) {
            return new ClaimAnswer.Unavailable(request.claimId(), "inventory answer unreadable: " + e.getMessage());
        }
    }

    @Override
    public ClaimAnswer release(SagaEffect.ReleaseClaim release) {
        try {
            HttpResponse<Void> response = http.send(authorized(base.resolve("/api/v1/claims/"
                    + release.claimId())).timeout(timeout).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status == 204 || status == 200 || status == 404) {
                return new ClaimAnswer.Released(release.claimId());
            }
            return new ClaimAnswer.Unavailable(release.claimId(), "inventory answered HTTP " + status);
        } catch (IOException e) {
            return new ClaimAnswer.Unavailable(release.claimId(), "inventory at " + base + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ClaimAnswer.Unavailable(release.claimId(), "interrupted");
        }
    }

    private HttpRequest.Builder authorized(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        authorization.get().ifPresent(value -> request.header("Authorization", value));
        return request;
    }
}
