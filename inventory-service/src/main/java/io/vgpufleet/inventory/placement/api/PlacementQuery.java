package io.vgpufleet.inventory.placement.api;

import static io.vgpufleet.service.web.RequestFields.bool;
import static io.vgpufleet.service.web.RequestFields.checked;
import static io.vgpufleet.service.web.RequestFields.ids;
import static io.vgpufleet.service.web.RequestFields.integer;
import static io.vgpufleet.service.web.RequestFields.onlyKnown;
import static io.vgpufleet.service.web.RequestFields.printable;
import static io.vgpufleet.service.web.RequestFields.string;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.placement.PlacementPolicy;
import io.vgpufleet.inventory.placement.PlacementRequest;
import io.vgpufleet.service.web.InvalidFieldException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
        onlyKnown(body, FIELDS, "a placement request");
        String typeId = checked(body, "typeId", Checks::vgpuTypeId);
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
                .hosts(new LinkedHashSet<>(ids(body, "hostAffinity", MAX_LIST, Checks::validHostId)))
                .avoidHosts(new LinkedHashSet<>(ids(body, "hostAntiAffinity", MAX_LIST, Checks::validHostId)))
                .gpus(new LinkedHashSet<>(ids(body, "gpuAffinity", MAX_LIST, Checks::validGpuUuid)))
                .avoidGpus(new LinkedHashSet<>(ids(body, "gpuAntiAffinity", MAX_LIST, Checks::validGpuUuid)))
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
}
