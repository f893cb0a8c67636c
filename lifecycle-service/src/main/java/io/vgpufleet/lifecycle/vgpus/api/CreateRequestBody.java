package io.vgpufleet.lifecycle.vgpus.api;

import static io.vgpufleet.service.web.RequestFields.bool;
import static io.vgpufleet.service.web.RequestFields.checked;
import static io.vgpufleet.service.web.RequestFields.ids;
import static io.vgpufleet.service.web.RequestFields.integer;
import static io.vgpufleet.service.web.RequestFields.kind;
import static io.vgpufleet.service.web.RequestFields.onlyKnown;
import static io.vgpufleet.service.web.RequestFields.printable;
import static io.vgpufleet.service.web.RequestFields.required;
import static io.vgpufleet.service.web.RequestFields.string;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.service.web.InvalidFieldException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
        onlyKnown(body, FIELDS, "a vGPU request");
        String vmId = required(body, "vmId", Checks::identifier);
        String clientRequestId = checked(body, "clientRequestId", Checks::identifier);
        String typeId = checked(body, "typeId", Checks::vgpuTypeId);
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
                p2p, bool(body, "eccRequired"), ids(body, "hostAffinity", MAX_LIST, Checks::validHostId),
                ids(body, "hostAntiAffinity", MAX_LIST, Checks::validHostId), ids(body, "gpuAffinity", MAX_LIST, Checks::validGpuUuid),
                ids(body, "gpuAntiAffinity", MAX_LIST, Checks::validGpuUuid), policy);
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
}
