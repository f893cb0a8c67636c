package io.vgpufleet.agent.nvml.jna;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C functions of {@code libnvidia-ml.so.1} this binding calls, under their exact versioned symbol
 * names from {@code nvml.h} (no {@code #define} upgrades happen through JNA, so {@code nvmlInit} would
 * bind the v1 entry point: the names here are the ones the header maps to). Internal to the binding:
 * public only because JNA proxies it; use {@link JnaNvml}.
 *
 * <p>Mapping: {@code nvmlReturn_t} and every other enum are {@code int}; {@code nvmlDevice_t} and
 * {@code nvmlEventSet_t} are opaque {@link Pointer}s; {@code nvmlVgpuTypeId_t} and
 * {@code nvmlVgpuInstance_t} are {@code unsigned int}; {@code unsigned long} is {@link NativeLong};
 * character buffers are {@code byte[]} of the header's buffer size.
 */
public interface NvmlLibrary extends Library {

    String NAME = "nvidia-ml";

    /** The versioned soname the driver installs; the unversioned {@code .so} comes only with dev packages. */
    String SONAME = "libnvidia-ml.so.1";

    // Initialisation and system

    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    // Device enumeration and identity

    int nvmlDeviceGetCount_v2(IntByReference deviceCount);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetHandleByPciBusId_v2(String pciBusId, PointerByReference device);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetPciInfo_v3(Pointer device, NvmlStructures.PciInfo pci);

    int nvmlDeviceGetMemoryInfo(Pointer device, NvmlStructures.Memory memory);

    int nvmlDeviceGetMemoryInfo_v2(Pointer device, NvmlStructures.MemoryV2 memory);

    int nvmlDeviceGetNumaNodeId(Pointer device, IntByReference node);

    int nvmlDeviceGetCpuAffinity(Pointer device, int cpuSetSize, NativeLong[] cpuSet);

    // ECC, retirement, remapping

    int nvmlDeviceGetEccMode(Pointer device, IntByReference current, IntByReference pending);

    int nvmlDeviceGetTotalEccErrors(Pointer device, int errorType, int counterType, LongByReference eccCounts);

    int nvmlDeviceGetMemoryErrorCounter(
            Pointer device, int errorType, int counterType, int locationType, LongByReference count);

    /** {@code addresses} may be null with {@code pageCount} 0 to ask only for the count. */
    int nvmlDeviceGetRetiredPages(Pointer device, int cause, IntByReference pageCount, long[] addresses);

    int nvmlDeviceGetRetiredPages_v2(
            Pointer device, int cause, IntByReference pageCount, long[] addresses, long[] timestamps);

    int nvmlDeviceGetRetiredPagesPendingStatus(Pointer device, IntByReference isPending);

    int nvmlDeviceGetRemappedRows(Pointer device, IntByReference corrRows, IntByReference uncRows,
            IntByReference isPending, IntByReference failureOccurred);

    int nvmlDeviceGetRowRemapperHistogram(Pointer device, NvmlStructures.RowRemapperHistogramValues values);

    // NVLink, topology, P2P

    int nvmlDeviceGetNvLinkState(Pointer device, int link, IntByReference isActive);

    int nvmlDeviceGetNvLinkRemotePciInfo_v2(Pointer device, int link, NvmlStructures.PciInfo pci);

    int nvmlDeviceGetTopologyCommonAncestor(Pointer device1, Pointer device2, IntByReference pathInfo);

    int nvmlDeviceGetP2PStatus(Pointer device1, Pointer device2, int p2pIndex, IntByReference p2pStatus);

    // Virtualization and vGPU

    int nvmlDeviceGetVirtualizationMode(Pointer device, IntByReference virtualMode);

    int nvmlDeviceGetHostVgpuMode(Pointer device, IntByReference hostVgpuMode);

    int nvmlDeviceGetSupportedVgpus(Pointer device, IntByReference vgpuCount, int[] vgpuTypeIds);

    int nvmlDeviceGetCreatableVgpus(Pointer device, IntByReference vgpuCount, int[] vgpuTypeIds);

    int nvmlVgpuTypeGetName(int vgpuTypeId, byte[] vgpuTypeName, IntByReference size);

    int nvmlVgpuTypeGetClass(int vgpuTypeId, byte[] vgpuTypeClass, IntByReference size);

    int nvmlVgpuTypeGetFramebufferSize(int vgpuTypeId, LongByReference fbSize);

    int nvmlVgpuTypeGetMaxInstances(Pointer device, int vgpuTypeId, IntByReference vgpuInstanceCount);

    int nvmlVgpuTypeGetFrameRateLimit(int vgpuTypeId, IntByReference frameRateLimit);

    int nvmlDeviceGetActiveVgpus(Pointer device, IntByReference vgpuCount, int[] vgpuInstances);

    int nvmlVgpuInstanceGetUUID(int vgpuInstance, byte[] uuid, int size);

    int nvmlVgpuInstanceGetMdevUUID(int vgpuInstance, byte[] mdevUuid, int size);

    int nvmlVgpuInstanceGetVmID(int vgpuInstance, byte[] vmId, int size, IntByReference vmIdType);

    int nvmlVgpuInstanceGetType(int vgpuInstance, IntByReference vgpuTypeId);

    int nvmlVgpuInstanceGetFbUsage(int vgpuInstance, LongByReference fbUsage);

    int nvmlVgpuInstanceGetEccMode(int vgpuInstance, IntByReference eccMode);

    /** {@code vgpuMetadata} is a caller buffer of {@code bufferSize} bytes holding an {@code nvmlVgpuMetadata_t}. */
    int nvmlVgpuInstanceGetMetadata(int vgpuInstance, Pointer vgpuMetadata, IntByReference bufferSize);

    /** {@code pgpuMetadata} is a caller buffer of {@code bufferSize} bytes holding an {@code nvmlVgpuPgpuMetadata_t}. */
    int nvmlDeviceGetVgpuMetadata(Pointer device, Pointer pgpuMetadata, IntByReference bufferSize);

    int nvmlGetVgpuCompatibility(
            Pointer vgpuMetadata, Pointer pgpuMetadata, NvmlStructures.VgpuPgpuCompatibility compatibilityInfo);

    // Events

    int nvmlEventSetCreate(PointerByReference set);

    int nvmlDeviceRegisterEvents(Pointer device, long eventTypes, Pointer set);

    int nvmlDeviceGetSupportedEventTypes(Pointer device, LongByReference eventTypes);

    int nvmlEventSetWait_v2(Pointer set, NvmlStructures.EventData data, int timeoutms);

    int nvmlEventSetFree(Pointer set);
}
