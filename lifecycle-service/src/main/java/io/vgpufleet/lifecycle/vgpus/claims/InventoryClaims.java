package io.vgpufleet.lifecycle.vgpus.claims;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.lifecycle.vgpus.ClaimsPort;
import io.vgpufleet.lifecycle.vgpus.machine.Action;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The inventory-service's claims API over HTTP:
 *
 * <pre>
 * POST   {inventory}/api/v1/claims       {"claimId","vmId","requester","ttlSeconds","placement":{...},"vgpuUuids":[...]}
 *        201 {"claimId","state":"GRANTED","hostId","items":[{"gpuUuid","pciBdf","typeId","vgpuUuid","numaNode"}],...}
 *        409 problem with "reasons" (nothing fits now: asked again within the attempts), 400 problem (refused for good)
 * DELETE {inventory}/api/v1/claims/{id}  204 (also for a claim already released or unknown)
 * </pre>
 *
 * A 201 whose body is not a granted claim on one host with one valid item per vGPU is unavailable, not
 * granted: the machine asks again (same claim id) and gives the claim back if it never gets a readable one.
 */
public final class InventoryClaims implements ClaimsPort {

    static final String REQUESTER = "lifecycle-service";
    private static final int MAX_BODY = 1 << 20;

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;
    private final int ttlSeconds;
    private final Supplier<Optional<String>> authorization;

    /**
     * @param base e.g. {@code http://127.0.0.1:8081}
     * @param authorization the {@code Authorization} header value to send, where this service has a token
     */
    public InventoryClaims(HttpClient http, URI base, Duration timeout, int ttlSeconds,
            Supplier<Optional<String>> authorization) {
        this.http = http;
        this.authorization = authorization;
        this.base = base;
        this.timeout = timeout;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public Stimulus claim(Action.RequestClaim request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("claimId", request.claimId());
        body.put("vmId", request.vmId());
        body.put("requester", REQUESTER);
        body.put("ttlSeconds", ttlSeconds);
        body.put("placement", placement(request.spec()));
        body.put("vgpuUuids", request.vgpuUuids());
        HttpResponse<byte[]> response;
        try {
            response = http.send(authorized(base.resolve("/api/v1/claims"))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, application/problem+json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(EventCodec.toJson(body)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Stimulus.ClaimUnavailable("inventory unreachable: " + Checks.printable(String.valueOf(e), 300));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Stimulus.ClaimUnavailable("interrupted");
        }
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            return granted(response.body(), request);
        }
        String problem = problemText(response.body());
        if (status == 400 || status == 422) {
            return new Stimulus.ClaimRefused("inventory answered " + status + ": " + problem);
        }
        // 409 (nothing could be claimed) is asked again within the claim attempts: concurrent claims that
        // took the room may fail or expire, and a request that would fit a moment later should not fail now
        return new Stimulus.ClaimUnavailable("inventory answered " + status + ": " + problem);
    }

    @Override
    public Stimulus release(String claimId) {
        Checks.identifier(claimId, "claimId");
        try {
            HttpResponse<byte[]> response = http.send(authorized(base.resolve("/api/v1/claims/" + claimId))
                    .timeout(timeout)
                    .DELETE()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status == 204 || status == 200 || status == 404) {
                return new Stimulus.ClaimReleased();
            }
            return new Stimulus.ClaimReleaseFailed("inventory answered " + status + ": " + problemText(response.body()));
        } catch (IOException e) {
            return new Stimulus.ClaimReleaseFailed("inventory unreachable: " + Checks.printable(String.valueOf(e), 300));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Stimulus.ClaimReleaseFailed("interrupted");
        }
    }

    /** The {@code POST /api/v1/placements} body for a spec. */
    static Map<String, Object> placement(VgpuSpec spec) {
        Map<String, Object> placement = new LinkedHashMap<>();
        if (spec.typeId() != null) {
            placement.put("typeId", spec.typeId());
        }
        placement.put("count", spec.count());
        placement.put("p2p", spec.p2p());
        if (spec.numaNode() != null) {
            placement.put("numaNode", spec.numaNode());
        }
        placement.put("hostAffinity", spec.hostAffinity());
        placement.put("hostAntiAffinity", spec.hostAntiAffinity());
        placement.put("gpuAffinity", spec.gpuAffinity());
        placement.put("gpuAntiAffinity", spec.gpuAntiAffinity());
        if (spec.minFramebufferMib() > 0) {
            placement.put("minFramebufferMib", spec.minFramebufferMib());
        }
        if (spec.vgpuClass() != null) {
            placement.put("vgpuClass", spec.vgpuClass());
        }
        placement.put("eccRequired", spec.eccRequired());
        if (spec.policy() != null) {
            placement.put("policy", spec.policy());
        }
        return placement;
    }

    /** Reads a grant; anything unreadable or inconsistent is an unavailable answer, never a grant. */
    static Stimulus granted(byte[] body, Action.RequestClaim request) {
        try {
            if (body.length > MAX_BODY) {
                return new Stimulus.ClaimUnavailable("claim answer of " + body.length + " bytes is too large");
            }
            JsonNode root = EventCodec.json().readTree(new String(body, UTF_8));
            String state = text(root, "state");
            if (!"GRANTED".equals(state) && !"CONFIRMED".equals(state)) {
                return new Stimulus.ClaimRefused("claim " + request.claimId() + " is " + Checks.printable(state));
            }
            String hostId = Checks.validHostId(text(root, "hostId"), "hostId");
            JsonNode items = root.get("items");
            if (items == null || !items.isArray()) {
                return new Stimulus.ClaimUnavailable("claim answer has no items");
            }
            List<Stimulus.ClaimItem> granted = new ArrayList<>();
            for (JsonNode item : items) {
                JsonNode numa = item.get("numaNode");
                granted.add(new Stimulus.ClaimItem(
                        Checks.validGpuUuid(text(item, "gpuUuid"), "items[].gpuUuid"),
                        Checks.validPciBdf(text(item, "pciBdf"), "items[].pciBdf"),
                        Checks.vgpuTypeId(text(item, "typeId"), "items[].typeId"),
                        Checks.validUuid(text(item, "vgpuUuid"), "items[].vgpuUuid"),
                        numa != null && numa.isInt() && numa.asInt() >= -1 ? numa.asInt() : -1));
            }
            return new Stimulus.ClaimGranted(hostId, granted);
        } catch (JacksonException | IllegalArgumentException e) {
            return new Stimulus.ClaimUnavailable("unreadable claim answer: " + Checks.printable(String.valueOf(e.getMessage()), 300));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? "" : value.asString();
    }

    private static String problemText(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 2000), UTF_8);
        try {
            JsonNode problem = EventCodec.json().readTree(text);
            JsonNode detail = problem.get("detail");
            JsonNode reasons = problem.get("reasons");
            String answer = detail != null && detail.isString() ? detail.asString() : text;
            if (reasons != null && reasons.isArray() && !reasons.isEmpty()) {
                answer += " " + reasons;
            }
            return Checks.printable(answer, 500);
        } catch (JacksonException e) {
            return Checks.printable(text, 300);
        }
    }

    private HttpRequest.Builder authorized(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        authorization.get().ifPresent(value -> request.header("Authorization", value));
        return request;
    }
}
