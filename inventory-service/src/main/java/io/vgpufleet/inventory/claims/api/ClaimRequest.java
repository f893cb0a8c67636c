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

    /**
     * What of this request the claim {@code held} (one with the same id, granted already) does not satisfy, or
     * empty when it satisfies all of it: host and pGPU pinning and avoidance, type, count, vGPU UUIDs, VM. A
     * retry with the same body is always satisfied; a request for the same id that the claim cannot answer is
     * refused (409, {@code CLAIM_ID_HELD}) rather than answered with a claim it did not ask for.
     */
    public java.util.Optional<String> unmetBy(io.vgpufleet.contracts.claims.ClaimChanged held) {
        var asked = placement.request();
        String on = "claim " + claimId + " is held on host " + held.hostId();
        if (!asked.hosts().isEmpty() && !asked.hosts().contains(held.hostId())) {
            return java.util.Optional.of(on + ", not one of placement.hostAffinity " + new java.util.TreeSet<>(asked.hosts()));
        }
        if (asked.avoidHosts().contains(held.hostId())) {
            return java.util.Optional.of(on + ", which placement.hostAntiAffinity avoids");
        }
        if (held.items().size() != asked.count()) {
            return java.util.Optional.of(on + " with " + held.items().size() + " vGPU(s), not placement.count "
                    + asked.count());
        }
        if (!vmId.equals(held.vmId())) {
            return java.util.Optional.of(on + " for VM " + held.vmId() + ", not " + vmId);
        }
        for (int i = 0; i < held.items().size(); i++) {
            var item = held.items().get(i);
            if (asked.typeId() != null && !asked.typeId().equals(item.typeId())) {
                return java.util.Optional.of(on + " of type " + item.typeId() + ", not placement.typeId " + asked.typeId());
            }
            if ((!asked.gpus().isEmpty() && !asked.gpus().contains(item.gpuUuid()))
                    || asked.avoidGpus().contains(item.gpuUuid())) {
                return java.util.Optional.of(on + " on pGPU " + item.gpuUuid() + ", which the placement's pGPU"
                        + " pinning or avoidance excludes");
            }
            if (vgpuUuids != null && !vgpuUuids.get(i).equals(item.vgpuUuid())) {
                return java.util.Optional.of(on + " with vGPU " + item.vgpuUuid() + ", not vgpuUuids[" + i + "] "
                        + vgpuUuids.get(i));
            }
        }
        return java.util.Optional.empty();
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
