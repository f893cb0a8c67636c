package io.vgpufleet.agent.nvml.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The {@code nvml.h} structs this binding passes, field for field ({@code char[N]} is {@code byte[N]},
 * {@code unsigned int} and enums are {@code int}, {@code unsigned long long} is {@code long},
 * {@code nvmlDevice_t} is a {@link Pointer}). JNA lays them out with the platform's C alignment; {@code
 * NvmlStructuresTest} pins sizes and offsets to what the header gives on x86_64. Internal to the binding:
 * public only because JNA reflects on them.
 */
public final class NvmlStructures {

    /** {@code NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE} */
    public static final int PCI_BUS_ID_BUFFER_V2_SIZE = 16;
    /** {@code NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE} */
    public static final int PCI_BUS_ID_BUFFER_SIZE = 32;
    /** {@code NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE} */
    public static final int SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;

    private NvmlStructures() {}

    /** {@code nvmlPciInfo_t}: 68 bytes. */
    @Structure.FieldOrder({"busIdLegacy", "domain", "bus", "device", "pciDeviceId", "pciSubSystemId", "busId"})
    public static class PciInfo extends Structure {
        public byte[] busIdLegacy = new byte[PCI_BUS_ID_BUFFER_V2_SIZE];
        public int domain;
        public int bus;
        public int device;
        public int pciDeviceId;
        public int pciSubSystemId;
        public byte[] busId = new byte[PCI_BUS_ID_BUFFER_SIZE];
    }

    /** {@code nvmlMemory_t} (v1): 24 bytes. */
    @Structure.FieldOrder({"total", "free", "used"})
    public static class Memory extends Structure {
        public long total;
        public long free;
        public long used;
    }

    /** {@code nvmlMemory_v2_t}: 40 bytes; {@code version} must be {@link #VERSION}. */
    @Structure.FieldOrder({"version", "total", "reserved", "free", "used"})
    public static class MemoryV2 extends Structure {
        /** {@code nvmlMemory_v2 = NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | 2 << 24}. */
        public static final int VERSION = 40 | 2 << 24;

        public int version = VERSION;
        public long total;
        public long reserved;
        public long free;
        public long used;
    }

    /** {@code nvmlRowRemapperHistogramValues_t}: 20 bytes. */
    @Structure.FieldOrder({"max", "high", "partial", "low", "none"})
    public static class RowRemapperHistogramValues extends Structure {
        public int max;
        public int high;
        public int partial;
        public int low;
        public int none;
    }

    /** {@code nvmlEventData_t}: 32 bytes on 64-bit. */
    @Structure.FieldOrder({"device", "eventType", "eventData", "gpuInstanceId", "computeInstanceId"})
    public static class EventData extends Structure {
        public Pointer device;
        public long eventType;
        public long eventData;
        public int gpuInstanceId;
        public int computeInstanceId;
    }

    /** {@code nvmlVgpuVersion_t}: 8 bytes. */
    @Structure.FieldOrder({"minVersion", "maxVersion"})
    public static class VgpuVersion extends Structure {
        public int minVersion;
        public int maxVersion;
    }

    /**
     * {@code nvmlVgpuMetadata_t}: 212 bytes with its first 4 bytes of opaque data; the driver asks for a
     * larger buffer ({@code NVML_ERROR_INSUFFICIENT_SIZE}) and writes the rest of the opaque data past it.
     */
    @Structure.FieldOrder({"version", "revision", "guestInfoState", "guestDriverVersion", "hostDriverVersion",
        "reserved", "vgpuVirtualizationCaps", "guestVgpuVersion", "opaqueDataSize", "opaqueData"})
    public static class VgpuMetadata extends Structure {
        public int version;
        public int revision;
        public int guestInfoState;
        public byte[] guestDriverVersion = new byte[SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
        public byte[] hostDriverVersion = new byte[SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
        public int[] reserved = new int[6];
        public int vgpuVirtualizationCaps;
        public int guestVgpuVersion;
        public int opaqueDataSize;
        public byte[] opaqueData = new byte[4];

        public VgpuMetadata() {}

        /** Reads the struct at the start of a driver-filled buffer. */
        public VgpuMetadata(Pointer buffer) {
            super(buffer);
            read();
        }
    }

    /** {@code nvmlVgpuPgpuMetadata_t}: 128 bytes with its first 4 bytes of opaque data. */
    @Structure.FieldOrder({"version", "revision", "hostDriverVersion", "pgpuVirtualizationCaps", "reserved",
        "hostSupportedVgpuRange", "opaqueDataSize", "opaqueData"})
    public static class VgpuPgpuMetadata extends Structure {
        public int version;
        public int revision;
        public byte[] hostDriverVersion = new byte[SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
        public int pgpuVirtualizationCaps;
        public int[] reserved = new int[5];
        public VgpuVersion hostSupportedVgpuRange = new VgpuVersion();
        public int opaqueDataSize;
        public byte[] opaqueData = new byte[4];

        public VgpuPgpuMetadata() {}

        /** Reads the struct at the start of a driver-filled buffer. */
        public VgpuPgpuMetadata(Pointer buffer) {
            super(buffer);
            read();
        }
    }

    /** {@code nvmlVgpuPgpuCompatibility_t}: 8 bytes (two enums). */
    @Structure.FieldOrder({"vgpuVmCompatibility", "compatibilityLimitCode"})
    public static class VgpuPgpuCompatibility extends Structure {
        public int vgpuVmCompatibility;
        public int compatibilityLimitCode;
    }
}
