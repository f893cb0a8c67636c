package io.vgpufleet.inventory.claims.api;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.claims.ClaimCommand;
import io.vgpufleet.inventory.placement.api.InvalidFieldException;
import io.vgpufleet.inventory.placement.api.PlacementQuery;
import io.vgpufleet.service.web.InvalidRequestException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A {@code POST /api/v1/claims} body, read field by field so that every refusal names its field; unknown
 * fields are refused (as for placements):
 *
 * <pre>{@code
 * {"claimId": "5f0c...", "vmId": "vm-17", "requester": "lifecycle-service", "ttlSeconds": 120,
 *  "placement": {"typeId": "nvidia-232", "count": 1},
 *  "vgpuUuids": ["98d19132-f8f0-4d19-8743-9efa23e6c493"]}
 * }</pre>
 *
 * @param claimId the caller's (a canonical lower-case UUID) or a new random UUID; the idempotency key
 * @param vgpuUuids one per vGPU of the placement's count, or absent to have them generated
 */
public record ClaimRequest(String claimId, String vmId, String requester, int ttlSeconds, PlacementQuery placement,
        @Nullable List<String> vgpuUuids) {

    public static final int DEFAULT_TTL_SECONDS = 120;

    private static final Set<String> FIELDS = Set.of("claimId", "vmId", "requester", "ttlSeconds", "placement", "vgpuUuids");

    public static ClaimRequest of(Map<String, ?> body) {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidFieldException(field, "is not a field of a claim request; known: "
                        + FIELDS.stream().sorted().toList());
            }
        }
        String claimId = string(body, "claimId");
        if (claimId != null) {
            check("claimId", claimId, Checks::validUuid);
        }
        String vmId = string(body, "vmId");
        if (vmId == null) {
            throw new InvalidFieldException("vmId", "must be present");
        }
        check("vmId", vmId, Checks::identifier);
        String requester = string(body, "requester");
        if (requester == null) {
            throw new InvalidFieldException("requester", "must be present");
        }
        check("requester", requester, Checks::identifier);
        int ttl = ttl(body.get("ttlSeconds"));
        Object placementBody = body.get("placement");
        if (!(placementBody instanceof Map<?, ?> placementMap)) {
            throw new InvalidFieldException("placement", placementBody == null ? "must be present"
                    : "must be an object (a placement request)");
        }
        PlacementQuery placement;
        try {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) placementMap;
            placement = PlacementQuery.of(typed);
        } catch (InvalidRequestException refused) {
            Object field = refused.getBody().getProperties() == null ? null
                    : refused.getBody().getProperties().get("field");
            String detail = String.valueOf(refused.getBody().getDetail());
            if (field != null && detail.startsWith(field + " ")) {
                throw new InvalidFieldException("placement." + field, detail.substring(field.toString().length() + 1));
            }
            throw new InvalidFieldException("placement", detail);
        }
        List<String> vgpuUuids = vgpuUuids(body.get("vgpuUuids"), placement.request().count());
        return new ClaimRequest(claimId == null ? UUID.randomUUID().toString() : claimId, vmId, requester, ttl, placement,
                vgpuUuids);
    }

    private static int ttl(@Nullable Object value) {
        if (value == null) {
            return DEFAULT_TTL_SECONDS;
        }
        long ttl;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            ttl = ((Number) value).longValue();
        } else if (value instanceof BigInteger big) {
            ttl = big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        } else {
            throw new InvalidFieldException("ttlSeconds", "must be a whole number, was " + kind(value));
        }
        if (ttl < 1 || ttl > ClaimCommand.MAX_TTL_SECONDS) {
            throw new InvalidFieldException("ttlSeconds", "must be 1 to " + ClaimCommand.MAX_TTL_SECONDS + ", was " + value);
        }
        return (int) ttl;
    }

    /** An {@code /extend} body: {@code {"ttlSeconds": n}}, nothing else. */
    public static int extension(Map<String, ?> body) {
        for (String field : body.keySet()) {
            if (!field.equals("ttlSeconds")) {
                throw new InvalidFieldException(field, "is not a field of an extension; known: [ttlSeconds]");
            }
        }
        if (body.get("ttlSeconds") == null) {
            throw new InvalidFieldException("ttlSeconds", "must be present");
        }
        return ttl(body.get("ttlSeconds"));
    }

    private static @Nullable List<String> vgpuUuids(@Nullable Object value, int count) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidFieldException("vgpuUuids", "must be a list of UUIDs, was " + kind(value));
        }
        if (list.size() != count) {
            throw new InvalidFieldException("vgpuUuids", "must list one UUID per vGPU: placement.count is " + count
                    + ", listed " + list.size());
        }
        List<String> uuids = new ArrayList<>(list.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String field = "vgpuUuids[" + i + "]";
            if (!(list.get(i) instanceof String uuid)) {
                throw new InvalidFieldException(field, "must be a string, was " + kind(list.get(i)));
            }
            check(field, uuid, Checks::validUuid);
            if (!seen.add(uuid)) {
                throw new InvalidFieldException(field, "repeats " + uuid);
            }
            uuids.add(uuid);
        }
        return List.copyOf(uuids);
    }

    private static @Nullable String string(Map<String, ?> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new InvalidFieldException(field, "must be a string, was " + kind(value));
        }
        return text;
    }

    private static void check(String field, String value, java.util.function.BiFunction<String, String, String> check) {
        try {
            check.apply(value, field);
        } catch (IllegalArgumentException refused) {
            String message = String.valueOf(refused.getMessage());
            throw new InvalidFieldException(field, message.startsWith(field + " ")
                    ? message.substring(field.length() + 1) : message);
        }
    }

    private static String kind(@Nullable Object value) {
        return value == null ? "null"
                : value instanceof String ? "a string"
                : value instanceof Boolean ? "a boolean"
                : value instanceof Number ? "the number " + value
                : value instanceof List ? "a list"
                : value instanceof Map ? "an object"
                : value.getClass().getSimpleName();
    }
}
