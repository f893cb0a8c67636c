package io.vgpufleet.inventory.claims.api;

import static io.vgpufleet.service.web.RequestFields.check;
import static io.vgpufleet.service.web.RequestFields.checked;
import static io.vgpufleet.service.web.RequestFields.integer;
import static io.vgpufleet.service.web.RequestFields.kind;
import static io.vgpufleet.service.web.RequestFields.onlyKnown;
import static io.vgpufleet.service.web.RequestFields.required;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.claims.ClaimCommand;
import io.vgpufleet.inventory.placement.api.PlacementQuery;
import io.vgpufleet.service.web.InvalidFieldException;
import io.vgpufleet.service.web.InvalidRequestException;
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
        onlyKnown(body, FIELDS, "a claim request");
        String claimId = checked(body, "claimId", Checks::validUuid);
        String vmId = required(body, "vmId", Checks::identifier);
        String requester = required(body, "requester", Checks::identifier);
        int ttl = ttl(body);
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

    private static int ttl(Map<String, ?> body) {
        return (int) integer(body, "ttlSeconds", DEFAULT_TTL_SECONDS, 1, ClaimCommand.MAX_TTL_SECONDS);
    }

    /** An {@code /extend} body: {@code {"ttlSeconds": n}}, nothing else. */
    public static int extension(Map<String, ?> body) {
        onlyKnown(body, Set.of("ttlSeconds"), "an extension");
        if (body.get("ttlSeconds") == null) {
            throw new InvalidFieldException("ttlSeconds", "must be present");
        }
        return ttl(body);
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
}
