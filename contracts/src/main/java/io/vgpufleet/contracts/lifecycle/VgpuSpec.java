package io.vgpufleet.contracts.lifecycle;

import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.nonNegative;
import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.validParams;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a VM asked for: N vGPUs of a type (or chosen by constraints), their {@code vgpu_params}, whether
 * a console (VNC, head 0) is wanted, and the placement constraints passed on to the inventory's claim.
 *
 * @param typeId the vGPU type; absent lets the constraints choose
 * @param vgpuClass Q, C, B or A; absent for any
 * @param numaNode the NUMA node the vGPUs must be on; absent for any
 * @param p2p NVLink between the VM's pGPUs (count of 2 or more)
 * @param policy PACK or SPREAD; absent for the inventory's default
 */
public record VgpuSpec(
        @Nullable String typeId,
        int count,
        boolean console,
        Map<String, String> params,
        @Nullable String vgpuClass,
        long minFramebufferMib,
        @Nullable Integer numaNode,
        boolean p2p,
        boolean eccRequired,
        List<String> hostAffinity,
        List<String> hostAntiAffinity,
        List<String> gpuAffinity,
        List<String> gpuAntiAffinity,
        @Nullable String policy) {

    public static final int MAX_COUNT = 16;
    private static final Set<String> CLASSES = Set.of("Q", "C", "B", "A");
    private static final Set<String> POLICIES = Set.of("PACK", "SPREAD");

    public VgpuSpec {
        if (typeId != null) {
            vgpuTypeId(typeId, "typeId");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        params = validParams(params, "params");
        if (vgpuClass != null && !CLASSES.contains(vgpuClass)) {
            throw new IllegalArgumentException("vgpuClass must be one of Q, C, B, A");
        }
        nonNegative(minFramebufferMib, "minFramebufferMib");
        if (numaNode != null && numaNode < 0) {
            throw new IllegalArgumentException("numaNode must not be negative, was " + numaNode);
        }
        if (p2p && count < 2) {
            throw new IllegalArgumentException("p2p needs a count of 2 or more");
        }
        hostAffinity = list(hostAffinity, "hostAffinity");
        hostAffinity.forEach(id -> validHostId(id, "hostAffinity[]"));
        hostAntiAffinity = list(hostAntiAffinity, "hostAntiAffinity");
        hostAntiAffinity.forEach(id -> validHostId(id, "hostAntiAffinity[]"));
        gpuAffinity = list(gpuAffinity, "gpuAffinity");
        gpuAffinity.forEach(id -> validGpuUuid(id, "gpuAffinity[]"));
        gpuAntiAffinity = list(gpuAntiAffinity, "gpuAntiAffinity");
        gpuAntiAffinity.forEach(id -> validGpuUuid(id, "gpuAntiAffinity[]"));
        if (policy != null && !POLICIES.contains(policy)) {
            throw new IllegalArgumentException("policy must be PACK or SPREAD");
        }
    }

    /** {@code count} vGPUs of one type, no other constraint. */
    public static VgpuSpec ofType(String typeId, int count, boolean console, Map<String, String> params) {
        return new VgpuSpec(typeId, count, console, params, null, 0, null, false, false, List.of(), List.of(), List.of(),
                List.of(), null);
    }
}
