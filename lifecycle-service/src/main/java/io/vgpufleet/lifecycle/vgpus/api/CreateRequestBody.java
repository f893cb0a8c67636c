package io.vgpufleet.lifecycle.vgpus.api;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A {@code POST /api/v1/vgpus} body, read field by field so that every refusal names its field; unknown
 * fields are refused (a misspelt constraint must not be dropped silently):
 *
 * <pre>{@code
 * {"vmId": "vm-7", "typeId": "nvidia-289", "count": 1, "params": {"frame_rate_limiter": "0"},
 *  "console": false, "clientRequestId": "order-4711"}
 * {"vmId": "vm-train", "vgpuClass": "C", "minFramebufferMib": 40960, "count": 2, "p2p": true, "policy": "SPREAD"}
 * }</pre>
 *
 * Placement constraints ({@code vgpuClass}, {@code minFramebufferMib}, {@code numaNode}, {@code p2p},
 * {@code eccRequired}, {@code hostAffinity}, {@code hostAntiAffinity}, {@code gpuAffinity},
 * {@code gpuAntiAffinity}, {@code policy}) are those of the inventory's {@code POST /api/v1/placements}.
 */
record CreateRequestBody(String vmId, VgpuSpec spec, @Nullable String clientRequestId) {

    static final int MAX_LIST = 1000;
    private static final Set<String> FIELDS = Set.of("vmId", "typeId", "count", "params", "console", "clientRequestId",
            "vgpuClass", "minFramebufferMib", "numaNode", "p2p", "eccRequired", "hostAffinity", "hostAntiAffinity",
            "gpuAffinity", "gpuAntiAffinity", "policy");

    static CreateRequestBody of(Map<String, ?> body) {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidFieldException(printable(field), "is not a field of a vGPU request; known: "
                        + FIELDS.stream().sorted().toList());
            }
        }
        String vmId = string(body, "vmId");
        if (vmId == null) {
            throw new InvalidFieldException("vmId", "must be present");
        }
        check("vmId", vmId, Checks::identifier);
        String clientRequestId = string(body, "clientRequestId");
        if (clientRequestId != null) {
            check("clientRequestId", clientRequestId, Checks::identifier);
        }
        String typeId = string(body, "typeId");
        if (typeId != null) {
            check("typeId", typeId, Checks::vgpuTypeId);
        }
        int count = (int) integer(body, "count", 1, 1, VgpuSpec.MAX_COUNT);
        Map<String, String> params = params(body);
        String vgpuClass = string(body, "vgpuClass");
        if (vgpuClass != null && !Set.of("Q", "C", "B", "A").contains(vgpuClass)) {
            throw new InvalidFieldException("vgpuClass", "must be one of Q, C, B, A, was '" + printable(vgpuClass) + "'");
        }
        long minFramebufferMib = integer(body, "minFramebufferMib", 0, 0, Long.MAX_VALUE);
        Integer numaNode = body.get("numaNode") == null ? null : (int) integer(body, "numaNode", 0, 0, 1023);
        boolean p2p = bool(body, "p2p");
        if (p2p && count < 2) {
            throw new InvalidFieldException("p2p", "needs count of 2 or more (NVLink between the VM's vGPUs), count was "
                    + count);
        }
        String policy = string(body, "policy");
        if (policy != null && !Set.of("PACK", "SPREAD").contains(policy)) {
            throw new InvalidFieldException("policy", "must be PACK or SPREAD, was '" + printable(policy) + "'");
        }
        VgpuSpec spec = new VgpuSpec(typeId, count, bool(body, "console"), params, vgpuClass, minFramebufferMib, numaNode,
                p2p, bool(body, "eccRequired"), ids(body, "hostAffinity", Checks::validHostId),
                ids(body, "hostAntiAffinity", Checks::validHostId), ids(body, "gpuAffinity", Checks::validGpuUuid),
                ids(body, "gpuAntiAffinity", Checks::validGpuUuid), policy);
        return new CreateRequestBody(vmId, spec, clientRequestId);
    }

    private static Map<String, String> params(Map<String, ?> body) {
        Object value = body.get("params");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidFieldException("params", "must be an object of strings, was " + kind(value));
        }
        if (map.size() > 32) {
            throw new InvalidFieldException("params", "must hold at most 32 parameters, held " + map.size());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof String text)) {
                throw new InvalidFieldException("params." + printable(key), "must be a string, was " + kind(entry.getValue()));
            }
            params.put(key, text);
        }
        try {
            return Checks.validParams(params, "params");
        } catch (IllegalArgumentException refused) {
            throw new InvalidFieldException("params", String.valueOf(refused.getMessage()).replaceFirst("^params ?", ""));
        }
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
            throw new InvalidFieldException(field, max == Long.MAX_VALUE ? "must be " + min + " or more, was " + value
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

    private static List<String> ids(Map<String, ?> body, String field, BiFunction<String, String, String> check) {
        Object value = body.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidFieldException(field, "must be a list of strings, was " + kind(value));
        }
        if (list.size() > MAX_LIST) {
            throw new InvalidFieldException(field, "must list at most " + MAX_LIST + ", listed " + list.size());
        }
        for (int i = 0; i < list.size(); i++) {
            String element = field + "[" + i + "]";
            if (!(list.get(i) instanceof String id)) {
                throw new InvalidFieldException(element, "must be a string, was " + kind(list.get(i)));
            }
            check(element, id, check);
        }
        return list.stream().map(String.class::cast).distinct().toList();
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
        return Checks.printable(value, 40);
    }
}
