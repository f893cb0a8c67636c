package io.vgpufleet.service.claims;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.messaging.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The inventory-service's claims API over HTTP, for the services that claim capacity:
 *
 * <pre>
 * POST   {inventory}/api/v1/claims       {"claimId","vmId","requester","ttlSeconds","placement":{...},"vgpuUuids":[...]}
 *        201 {"claimId","state":"GRANTED","hostId","items":[{"gpuUuid","pciBdf","typeId","vgpuUuid","numaNode"}],...}
 *        409 problem with "reasons" (nothing fits now), 400 or 422 problem (refused for good)
 * DELETE {inventory}/api/v1/claims/{id}  204 (also for a claim already released or unknown)
 * </pre>
 *
 * The inventory's answer is input from outside: a grant is a {@link Granted} only when the body is a granted
 * (or confirmed) claim on a valid host with valid items; anything unreadable, too large or inconsistent is
 * {@link Unavailable}, never a grant. What a caller does with a refusal (try again later, try another
 * candidate, fail) is its own decision.
 */
public final class ClaimsClient {

    /** Where a claim request ended. */
    public sealed interface Answer permits Granted, Refused, Unavailable {}

    /** The inventory holds the claim for the caller on {@code hostId}. */
    public record Granted(String hostId, List<Item> items) implements Answer {}

    /** One claimed vGPU; {@code numaNode} is -1 where the inventory did not say. */
    public record Item(String gpuUuid, String pciBdf, String typeId, String vgpuUuid, int numaNode) {}

    /**
     * The inventory did not grant: {@code status} 409 (nothing fits now), 400 or 422 (the request itself was
     * refused), or 200/201 with a claim that is not held (its state, e.g. EXPIRED, in {@code detail}).
     * {@code reasons} are the reason codes of the problem's {@code reasons}, in order.
     */
    public record Refused(int status, String detail, List<String> reasons) implements Answer {

        /** The reason codes joined, or the detail where there are none. */
        public String summary() {
            return reasons.isEmpty() ? detail : String.join("; ", reasons);
        }
    }

    /** No usable answer: the inventory was unreachable, answered another status or something unreadable. */
    public record Unavailable(String reason) implements Answer {}

    /** Where a release ended. */
    public sealed interface Release permits Released, ReleaseFailed {}

    public record Released() implements Release {}

    public record ReleaseFailed(String reason) implements Release {}

    static final int MAX_BODY = 1 << 20;
    private static final int MAX_REASONS = 50;

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;
    private final Supplier<Optional<String>> authorization;

    /**
     * @param base e.g. {@code http://127.0.0.1:8081}
     * @param authorization the {@code Authorization} header value to send, where the caller has a token
     */
    public ClaimsClient(HttpClient http, URI base, Duration timeout, Supplier<Optional<String>> authorization) {
        this.http = http;
        this.base = base;
        this.timeout = timeout;
        this.authorization = authorization;
    }

    /** Sends a claim body (see the class comment) and reads the answer. */
    public Answer claim(Map<String, Object> body) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(authorized(base.resolve("/api/v1/claims"))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, application/problem+json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(EventCodec.toJson(body)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Unavailable("inventory at " + base + " unreachable: " + Checks.printable(String.valueOf(e), 300));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unavailable("interrupted");
        }
        return answer(response.statusCode(), response.body());
    }

    /** Releases a claim; a claim the inventory does not know (any more) counts as released. */
    public Release release(String claimId) {
        Checks.identifier(claimId, "claimId");
        try {
            HttpResponse<byte[]> response = http.send(authorized(base.resolve("/api/v1/claims/" + claimId))
                    .timeout(timeout)
                    .DELETE()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status == 204 || status == 200 || status == 404) {
                return new Released();
            }
            return new ReleaseFailed("inventory answered " + status + ": " + problemText(response.body()).detail());
        } catch (IOException e) {
            return new ReleaseFailed("inventory at " + base + " unreachable: " + Checks.printable(String.valueOf(e), 300));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ReleaseFailed("interrupted");
        }
    }

    /** Reads an answer to {@code POST /api/v1/claims}. Pure. */
    static Answer answer(int status, byte[] body) {
        if (body.length > MAX_BODY) {
            return new Unavailable("claim answer of " + body.length + " bytes is too large");
        }
        if (status == 200 || status == 201) {
            return granted(body);
        }
        Refused problem = problemText(body);
        if (status == 409 || status == 400 || status == 422) {
            return new Refused(status, problem.detail(), problem.reasons());
        }
        return new Unavailable("inventory answered " + status + ": " + problem.detail()
                + (problem.reasons().isEmpty() ? "" : " " + problem.reasons()));
    }

    private static Answer granted(byte[] body) {
        try {
            JsonNode root = EventCodec.json().readTree(new String(body, UTF_8));
            if (!root.isObject()) {
                return new Unavailable("claim answer is not a JSON object");
            }
            String state = text(root, "state");
            if (!"GRANTED".equals(state) && !"CONFIRMED".equals(state)) {
                return new Refused(200, "the claim is " + Checks.printable(state, 40), List.of());
            }
            String hostId = Checks.validHostId(text(root, "hostId"), "hostId");
            JsonNode items = root.get("items");
            if (items == null || !items.isArray() || items.isEmpty()) {
                return new Unavailable("claim answer has no items");
            }
            List<Item> granted = new ArrayList<>();
            for (JsonNode item : items) {
                JsonNode numa = item.get("numaNode");
                granted.add(new Item(
                        Checks.validGpuUuid(text(item, "gpuUuid"), "items[].gpuUuid"),
                        Checks.validPciBdf(text(item, "pciBdf"), "items[].pciBdf"),
                        Checks.vgpuTypeId(text(item, "typeId"), "items[].typeId"),
                        Checks.validUuid(text(item, "vgpuUuid"), "items[].vgpuUuid"),
                        numa != null && numa.isInt() && numa.asInt() >= -1 ? numa.asInt() : -1));
            }
            return new Granted(hostId, List.copyOf(granted));
        } catch (JacksonException | IllegalArgumentException e) {
            return new Unavailable("unreadable claim answer: " + Checks.printable(String.valueOf(e.getMessage()), 300));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? "" : value.asString();
    }

    /** A problem body's detail (or the body's printable start) and reason codes; status unused. */
    private static Refused problemText(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4000), UTF_8);
        try {
            JsonNode problem = EventCodec.json().readTree(text);
            JsonNode detail = problem.get("detail");
            List<String> reasons = new ArrayList<>();
            JsonNode given = problem.get("reasons");
            if (given != null && given.isArray()) {
                for (JsonNode reason : given) {
                    if (reasons.size() == MAX_REASONS) {
                        break;
                    }
                    JsonNode code = reason.get("reason");
                    reasons.add(code != null && code.isString() ? Checks.printable(code.asString(), 60) : "?");
                }
            }
            return new Refused(0, Checks.printable(detail != null && detail.isString() ? detail.asString() : text, 500),
                    List.copyOf(reasons));
        } catch (JacksonException e) {
            return new Refused(0, Checks.printable(text, 300), List.of());
        }
    }

    private HttpRequest.Builder authorized(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        authorization.get().ifPresent(value -> request.header("Authorization", value));
        return request;
    }
}
