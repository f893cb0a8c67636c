package io.vgpufleet.inventory.placement.api;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.placement.PlacementPolicy;
import io.vgpufleet.inventory.placement.PlacementRequest;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A {@code POST /api/v1/placements} body, read field by field so that every refusal names its field
 * (a typo in an anti-affinity field must not be ignored silently, so unknown fields are refused too):
 *
 * <pre>{@code
 * {"typeId": "nvidia-476", "count": 2, "p2p": true, "numaNode": 0, "eccRequired": false,
 *  "hostAffinity": ["h1"], "hostAntiAffinity": [], "gpuAffinity": [], "gpuAntiAffinity": [],
 *  "policy": "PACK", "limit": 10}
 * {"vgpuClass": "C", "minFramebufferMib": 20480}
 * }</pre>
 *
 * Every field is optional: no {@code typeId} lets the constraints choose the type; {@code count}
 * defaults to 1, {@code policy} to PACK, {@code limit} to 10 (at most 100).
 */
public record PlacementQuery(PlacementRequest request, PlacementPolicy policy, int limit) {

    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;
    static final int MAX_LIST = 10_000;

    private static final Set<String> FIELDS = Set.of("typeId", "minFramebufferMib", "vgpuClass", "count", "numaNode",
            "hostAffinity", "hostAntiAffinity", "gpuAffinity", "gpuAntiAffinity", "p2p", "eccRequired", "policy", "limit");

    public static PlacementQuery of(Map<String, ?> body) {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidFieldException(field, "is not a field of a placement request; known: "
                        + FIELDS.stream().sorted().toList());
            }
        }
        String typeId = string(body, "typeId");
        if (typeId != null) {
            check("typeId", typeId, Checks::vgpuTypeId);
        }
        long minFramebufferMib = integer(body, "minFramebufferMib", 0, 0, Long.MAX_VALUE);
        String vgpuClass = string(body, "vgpuClass");
        int count = (int) integer(body, "count", 1, 1, PlacementRequest.MAX_COUNT);
        Object numa = body.get("numaNode");
        Integer numaNode = numa == null ? null : (int) integer(body, "numaNode", 0, 0, Integer.MAX_VALUE);
        boolean p2p = bool(body, "p2p");
        if (p2p && count < 2) {
            throw new InvalidFieldException("p2p", "needs count of 2 or more (NVLink between the VM's vGPUs), count was "
                    + count);
        }
        String policy = string(body, "policy");
        int limit = (int) integer(body, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        PlacementRequest request = PlacementRequest.builder()
                .typeId(typeId)
                .minFramebufferMib(minFramebufferMib)
                .vgpuClass(vgpuClass == null ? null : vgpuClass(vgpuClass))
                .count(count)
                .numaNode(numaNode)
                .hosts(ids(body, "hostAffinity", Checks::validHostId))
                .avoidHosts(ids(body, "hostAntiAffinity", Checks::validHostId))
                .gpus(ids(body, "gpuAffinity", Checks::validGpuUuid))
                .avoidGpus(ids(body, "gpuAntiAffinity", Checks::validGpuUuid))
                .nvlinkP2p(p2p)
                .eccRequired(bool(body, "eccRequired"))
                .build();
        return new PlacementQuery(request, policy == null ? PlacementPolicy.PACK : policy(policy), limit);
    }

    private static VgpuClass vgpuClass(String value) {
        for (VgpuClass known : VgpuClass.values()) {
            if (known.name().equals(value)) {
                return known;
            }
        }
        throw new InvalidFieldException("vgpuClass", "must be one of Q, C, B, A, was '" + printable(value) + "'");
    }

    private static PlacementPolicy policy(String value) {
        for (PlacementPolicy known : PlacementPolicy.values()) {
            if (known.name().equals(value.toUpperCase(Locale.ROOT))) {
                return known;
            }
        }
        throw new InvalidFieldException("policy", "must be PACK or SPREAD, was '" + printable(value) + "'");
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

    private static long integer(Map<String, ?> body, String field, long absent, long min, long max) {
        Object value = body.get(field);
        if (value == null) {
            return absent;
        }
        long number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = ((Number) value).longValue();
        } else if (value instanceof BigInteger big) {
            number = big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        } else {
            throw new InvalidFieldException(field, "must be a whole number, was " + kind(value));
        }
        if (number < min || number > max) {
            throw new InvalidFieldException(field, max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "must be " + min + " or more, was " + value
                    : "must be " + min + " to " + max + ", was " + value);
        }
        return number;
    }

    private static boolean bool(Map<String, ?> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean flag)) {
            throw new InvalidFieldException(field, "must be true or false, was " + kind(value));
        }
        return flag;
    }

    private static Set<String> ids(Map<String, ?> body, String field, BiFunction<String, String, String> check) {
        Object value = body.get(field);
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidFieldException(field, "must be a list of strings, was " + kind(value));
        }
        if (list.size() > MAX_LIST) {
            throw new InvalidFieldException(field, "must list at most " + MAX_LIST + ", listed " + list.size());
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String element = field + "[" + i + "]";
            if (!(list.get(i) instanceof String id)) {
                throw new InvalidFieldException(element, "must be a string, was " + kind(list.get(i)));
            }
            check(element, id, check);
            ids.add(id);
        }
        return ids;
    }

    /** Runs a contracts check, whose message starts with the field name, as a refusal naming the field. */
    private static void check(String field, String value, BiFunction<String, String, String> check) {
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

    private static String printable(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
