package io.vgpufleet.agent.nvml.jna;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the binding reads beyond the port, as plain values (no JNA type, no device handle): per GPU
 * its identity, NUMA node and CPU affinity, ECC modes, retired pages with timestamps, the row remapper
 * histogram, NVLink links, virtualization, vGPU types and instances with their migration metadata; per
 * pair of GPUs the topology common ancestor and P2P status. Each answer is a {@link Fact}: a value or the
 * NVML return code's name, NOT_SUPPORTED being a capability. Read with {@link JnaNvml#inventory()}.
 */
public record NvmlInventory(Fact<String> driverVersion, List<Gpu> gpus, List<GpuPair> pairs) {

    public NvmlInventory {
        gpus = List.copyOf(gpus);
        pairs = List.copyOf(pairs);
    }

    /** One physical GPU, identified by its PCI address (sysfs form) and UUID. */
    public record Gpu(
            String pciBdf,
            Fact<String> uuid,
            Fact<String> name,
            Fact<Memory> memory,
            Fact<Integer> numaNode,
            Fact<List<Integer>> cpuAffinity,
            Fact<EccModes> eccMode,
            Fact<List<RetiredPage>> retiredPages,
            Fact<Boolean> retiredPagesPending,
            Fact<RemappedRows> remappedRows,
            Fact<RemapperHistogram> remapperHistogram,
            List<NvLink> nvLinks,
            Fact<String> virtualizationMode,
            Fact<String> hostVgpuMode,
            Fact<Long> supportedEventTypes,
            Fact<List<VgpuType>> supportedVgpuTypes,
            Fact<List<Integer>> creatableVgpuTypeIds,
            Fact<List<VgpuInstance>> activeVgpus,
            Fact<PgpuMetadata> vgpuMetadata) {}

    /** {@code nvmlMemory_t} in bytes. */
    public record Memory(long total, long free, long used) {}

    /** {@code nvmlDeviceGetEccMode}: current and pending (after reset) modes. */
    public record EccModes(boolean current, boolean pending) {}

    /**
     * One retired page ({@code nvmlDeviceGetRetiredPages_v2}).
     *
     * @param cause {@code MULTIPLE_SINGLE_BIT_ECC_ERRORS} or {@code DOUBLE_BIT_ECC_ERROR}
     * @param timestamp as NVML gives it (seconds since the epoch on current drivers)
     */
    public record RetiredPage(String cause, long address, long timestamp) {}

    /** {@code nvmlDeviceGetRemappedRows}. */
    public record RemappedRows(int correctable, int uncorrectable, boolean pending, boolean failure) {}

    /** {@code nvmlRowRemapperHistogramValues_t}: banks by remaining remap availability. */
    public record RemapperHistogram(int max, int high, int partial, int low, int none) {}

    /**
     * One NVLink link ({@code 0 .. NVML_NVLINK_MAX_LINKS-1}) that answered.
     *
     * @param remotePciBdf the peer's PCI address ({@code nvmlDeviceGetNvLinkRemotePciInfo_v2}), where known
     */
    public record NvLink(int link, boolean active, @Nullable String remotePciBdf) {}

    /** A vGPU type a pGPU supports ({@code nvmlVgpuTypeGet*}). */
    public record VgpuType(
            int id,
            Fact<String> name,
            Fact<String> typeClass,
            Fact<Long> framebufferBytes,
            Fact<Integer> maxInstances,
            Fact<Integer> frameRateLimit) {}

    /** A running vGPU ({@code nvmlVgpuInstanceGet*}). */
    public record VgpuInstance(
            int id,
            Fact<String> uuid,
            Fact<String> mdevUuid,
            Fact<String> vmId,
            Fact<String> vmIdType,
            Fact<Integer> typeId,
            Fact<Long> fbUsageBytes,
            Fact<Boolean> eccEnabled,
            Fact<VgpuMetadata> metadata) {}

    /**
     * {@code nvmlVgpuMetadata_t} of a running vGPU (migration source). {@code blob} is the whole buffer the
     * driver wrote, opaque data included: what a target host passes to {@link
     * JnaNvml#compatibility(byte[], String)}.
     */
    public record VgpuMetadata(
            int version,
            int revision,
            String guestInfoState,
            String guestDriverVersion,
            String hostDriverVersion,
            boolean migrationCapable,
            int guestVgpuVersion,
            int opaqueDataSize,
            byte[] blob) {}

    /** {@code nvmlVgpuPgpuMetadata_t} of a physical GPU (migration target). */
    public record PgpuMetadata(
            int version,
            int revision,
            String hostDriverVersion,
            boolean migrationCapable,
            int minVgpuVersion,
            int maxVgpuVersion,
            int opaqueDataSize,
            byte[] blob) {}

    /**
     * {@code nvmlVgpuPgpuCompatibility_t}: the states a VM with this vGPU may be started from on the target
     * ({@code NONE}, or any of {@code COLD}, {@code HIBERNATE}, {@code SLEEP}, {@code LIVE}) and what limits
     * it ({@code NONE}, or any of {@code HOST_DRIVER}, {@code GUEST_DRIVER}, {@code GPU}, {@code OTHER}).
     */
    public record Compatibility(List<String> vmCompatibility, List<String> limits) {}

    /**
     * Two GPUs as NVML sees their link.
     *
     * @param commonAncestor {@code nvmlGpuTopologyLevel_t} name, e.g. {@code SYSTEM}, {@code NODE}
     * @param p2pStatus by capability ({@code READ}, {@code WRITE}, {@code NVLINK}, {@code ATOMICS}, {@code
     *     PCI}) the {@code nvmlGpuP2PStatus_t} name, e.g. {@code OK}
     */
    public record GpuPair(String a, String b, Fact<String> commonAncestor, Map<String, Fact<String>> p2pStatus) {}
}
