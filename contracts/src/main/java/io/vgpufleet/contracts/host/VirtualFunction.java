package io.vgpufleet.contracts.host;

import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An SR-IOV virtual function of a vendor-VFIO pGPU.
 *
 * @param currentTypeId the numeric type in {@code current_vgpu_type}; absent when the VF holds no vGPU
 * @param creatableTypeIds ids listed in {@code creatable_vgpu_types} (it shrinks as the card fills)
 */
public record VirtualFunction(String pciBdf, @Nullable String currentTypeId, List<String> creatableTypeIds) {

    public VirtualFunction {
        validPciBdf(pciBdf, "pciBdf");
        if (currentTypeId != null) {
            vgpuTypeId(currentTypeId, "currentTypeId");
        }
        creatableTypeIds = list(creatableTypeIds, "creatableTypeIds");
        creatableTypeIds.forEach(id -> vgpuTypeId(id, "creatableTypeIds[]"));
    }
}
