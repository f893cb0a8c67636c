package io.vgpufleet.inventory.placement;

import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import io.vgpufleet.contracts.host.VgpuClass;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a VM needs: either a vGPU type by id, or constraints that any type may meet, and where it may or
 * must not go. Build one with {@link #ofType(String)} or {@link #builder()}:
 *
 * <pre>{@code
 * PlacementRequest.builder().vgpuClass(VgpuClass.C).minFramebufferMib(40_960).count(2).nvlinkP2p(true).build();
 * }</pre>
 *
 * @param typeId the exact type; absent to let constraints choose (the smallest fitting type per pGPU)
 * @param minFramebufferMib the least framebuffer per vGPU; 0 for any
 * @param vgpuClass Q, C, B or A; absent for any
 * @param count vGPUs for one VM; more than one takes 1:1 types on distinct pGPUs of one host
 * @param numaNode the NUMA node the pGPUs must be on (where the VM's vCPUs and memory are); absent for any
 * @param hosts hosts allowed (empty: all)
 * @param avoidHosts hosts not allowed
 * @param gpus pGPU UUIDs allowed (empty: all)
 * @param avoidGpus pGPU UUIDs not allowed
 * @param nvlinkP2p the VM's pGPUs must be pairwise NVLink-linked (only with {@code count > 1})
 * @param eccRequired the pGPUs must have ECC on
 */
public record PlacementRequest(
        @Nullable String typeId,
        long minFramebufferMib,
        @Nullable VgpuClass vgpuClass,
        int count,
        @Nullable Integer numaNode,
        Set<String> hosts,
        Set<String> avoidHosts,
        Set<String> gpus,
        Set<String> avoidGpus,
        boolean nvlinkP2p,
        boolean eccRequired) {

    /** The most vGPUs one VM may ask for: more than any host has pGPUs. */
    public static final int MAX_COUNT = 16;

    public PlacementRequest {
        if (typeId != null) {
            vgpuTypeId(typeId, "typeId");
        }
        if (minFramebufferMib < 0) {
            throw new IllegalArgumentException("minFramebufferMib must not be negative, was " + minFramebufferMib);
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        if (numaNode != null && numaNode < 0) {
            throw new IllegalArgumentException("numaNode must be a node number, was " + numaNode);
        }
        if (nvlinkP2p && count < 2) {
            throw new IllegalArgumentException("nvlinkP2p needs count of 2 or more, was " + count);
        }
        hosts = Set.copyOf(hosts);
        avoidHosts = Set.copyOf(avoidHosts);
        gpus = Set.copyOf(gpus);
        avoidGpus = Set.copyOf(avoidGpus);
    }

    public static PlacementRequest ofType(String typeId) {
        return builder().typeId(typeId).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the request constrains individual pGPUs beyond their type (affinity, NUMA, ECC). */
    boolean constrainsGpus() {
        return numaNode != null || eccRequired || !hosts.isEmpty() || !avoidHosts.isEmpty() || !gpus.isEmpty()
                || !avoidGpus.isEmpty();
    }

    /** Builds a {@link PlacementRequest}; every setting starts at "any". */
    public static final class Builder {
        private @Nullable String typeId;
        private long minFramebufferMib;
        private @Nullable VgpuClass vgpuClass;
        private int count = 1;
        private @Nullable Integer numaNode;
        private Set<String> hosts = Set.of();
        private Set<String> avoidHosts = Set.of();
        private Set<String> gpus = Set.of();
        private Set<String> avoidGpus = Set.of();
        private boolean nvlinkP2p;
        private boolean eccRequired;

        private Builder() {}

        public Builder typeId(@Nullable String value) {
            typeId = value;
            return this;
        }

        public Builder minFramebufferMib(long value) {
            minFramebufferMib = value;
            return this;
        }

        public Builder vgpuClass(@Nullable VgpuClass value) {
            vgpuClass = value;
            return this;
        }

        public Builder count(int value) {
            count = value;
            return this;
        }

        public Builder numaNode(@Nullable Integer value) {
            numaNode = value;
            return this;
        }

        public Builder hosts(Set<String> value) {
            hosts = value;
            return this;
        }

        public Builder avoidHosts(Set<String> value) {
            avoidHosts = value;
            return this;
        }

        public Builder gpus(Set<String> value) {
            gpus = value;
            return this;
        }

        public Builder avoidGpus(Set<String> value) {
            avoidGpus = value;
            return this;
        }

        public Builder nvlinkP2p(boolean value) {
            nvlinkP2p = value;
            return this;
        }

        public Builder eccRequired(boolean value) {
            eccRequired = value;
            return this;
        }

        public PlacementRequest build() {
            return new PlacementRequest(typeId, minFramebufferMib, vgpuClass, count, numaNode, hosts, avoidHosts, gpus,
                    avoidGpus, nvlinkP2p, eccRequired);
        }
    }
}
