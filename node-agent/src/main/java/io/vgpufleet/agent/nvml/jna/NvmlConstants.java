package io.vgpufleet.agent.nvml.jna;

import java.util.Map;

/**
 * The {@code nvml.h} constants and enum values this binding passes or reads, with the header's names, and
 * the names it reports them under. Values are those of NVML API version 12.
 */
public final class NvmlConstants {

    private NvmlConstants() {}

    /** {@code NVML_DEVICE_UUID_BUFFER_SIZE} */
    public static final int DEVICE_UUID_BUFFER_SIZE = 80;
    /** {@code NVML_DEVICE_NAME_BUFFER_SIZE} */
    public static final int DEVICE_NAME_BUFFER_SIZE = 64;
    /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE}: large enough for any device or vGPU type name and class. */
    public static final int DEVICE_NAME_V2_BUFFER_SIZE = 96;
    /** {@code NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE} */
    public static final int SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;
    /** {@code NVML_NVLINK_MAX_LINKS} */
    public static final int NVLINK_MAX_LINKS = 18;

    /** {@code nvmlEnableState_t}: {@code NVML_FEATURE_DISABLED}. */
    public static final int FEATURE_DISABLED = 0;
    /** {@code nvmlEnableState_t}: {@code NVML_FEATURE_ENABLED}. */
    public static final int FEATURE_ENABLED = 1;

    /** {@code nvmlMemoryErrorType_t}: {@code NVML_MEMORY_ERROR_TYPE_CORRECTED} (single-bit for ECC). */
    public static final int MEMORY_ERROR_TYPE_CORRECTED = 0;
    /** {@code nvmlMemoryErrorType_t}: {@code NVML_MEMORY_ERROR_TYPE_UNCORRECTED} (double-bit for ECC). */
    public static final int MEMORY_ERROR_TYPE_UNCORRECTED = 1;

    /** {@code nvmlEccCounterType_t}: {@code NVML_VOLATILE_ECC}, since the last driver load. */
    public static final int VOLATILE_ECC = 0;
    /** {@code nvmlEccCounterType_t}: {@code NVML_AGGREGATE_ECC}, lifetime. */
    public static final int AGGREGATE_ECC = 1;

    /** {@code nvmlPageRetirementCause_t}: {@code NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS}. */
    public static final int PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS = 0;
    /** {@code nvmlPageRetirementCause_t}: {@code NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR}. */
    public static final int PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR = 1;

    /** {@code nvmlEventTypeSingleBitEccError} */
    public static final long EVENT_TYPE_SINGLE_BIT_ECC_ERROR = 0x1L;
    /** {@code nvmlEventTypeDoubleBitEccError} */
    public static final long EVENT_TYPE_DOUBLE_BIT_ECC_ERROR = 0x2L;
    /** {@code nvmlEventTypePState} */
    public static final long EVENT_TYPE_PSTATE = 0x4L;
    /** {@code nvmlEventTypeXidCriticalError} */
    public static final long EVENT_TYPE_XID_CRITICAL_ERROR = 0x8L;
    /** {@code nvmlEventTypeClock} */
    public static final long EVENT_TYPE_CLOCK = 0x10L;
    /** {@code nvmlEventTypePowerSourceChange} */
    public static final long EVENT_TYPE_POWER_SOURCE_CHANGE = 0x80L;
    /** {@code nvmlEventMigConfigChange} */
    public static final long EVENT_MIG_CONFIG_CHANGE = 0x100L;
    /** The events the port delivers: single/double-bit ECC and Xid critical errors. */
    public static final long CRITICAL_EVENTS =
            EVENT_TYPE_SINGLE_BIT_ECC_ERROR | EVENT_TYPE_DOUBLE_BIT_ECC_ERROR | EVENT_TYPE_XID_CRITICAL_ERROR;

    /** {@code nvmlGpuP2PCapsIndex_t}: {@code NVML_P2P_CAPS_INDEX_READ} .. {@code _PCI}, by name. */
    public static final Map<String, Integer> P2P_CAPS_INDEX =
            Map.of("READ", 0, "WRITE", 1, "NVLINK", 2, "ATOMICS", 3, "PCI", 4);

    /** {@code nvmlGpuVirtualizationMode_t} values to the names the port reports. */
    public static final Map<Integer, String> VIRTUALIZATION_MODES =
            Map.of(0, "NONE", 1, "PASSTHROUGH", 2, "VGPU", 3, "HOST_VGPU", 4, "HOST_VSGA");

    /** {@code nvmlHostVgpuMode_t} values to the names the port reports. */
    public static final Map<Integer, String> HOST_VGPU_MODES = Map.of(0, "NON_SRIOV", 1, "SRIOV");

    /** {@code nvmlGpuTopologyLevel_t} values ({@code NVML_TOPOLOGY_*}). */
    public static final Map<Integer, String> TOPOLOGY_LEVELS = Map.of(
            0, "INTERNAL", 10, "SINGLE", 20, "MULTIPLE", 30, "HOSTBRIDGE", 40, "NODE", 50, "SYSTEM");

    /** {@code nvmlGpuP2PStatus_t} values ({@code NVML_P2P_STATUS_*}). */
    public static final Map<Integer, String> P2P_STATUSES = Map.of(
            0, "OK", 1, "CHIPSET_NOT_SUPPORTED", 2, "GPU_NOT_SUPPORTED", 3, "IOH_TOPOLOGY_NOT_SUPPORTED",
            4, "DISABLED_BY_REGKEY", 5, "NOT_SUPPORTED", 6, "UNKNOWN");

    /** {@code nvmlVgpuVmIdType_t} values. */
    public static final Map<Integer, String> VGPU_VM_ID_TYPES = Map.of(0, "DOMAIN_ID", 1, "UUID");

    /** {@code nvmlVgpuGuestInfoState_t} values. */
    public static final Map<Integer, String> VGPU_GUEST_INFO_STATES = Map.of(0, "UNINITIALIZED", 1, "INITIALIZED");

    /** {@code nvmlVgpuVmCompatibility_t} bits ({@code NVML_VGPU_VM_COMPATIBILITY_*}); 0 is {@code NONE}. */
    public static final Map<Integer, String> VGPU_VM_COMPATIBILITY_BITS =
            Map.of(0x1, "COLD", 0x2, "HIBERNATE", 0x4, "SLEEP", 0x8, "LIVE");

    /** {@code nvmlVgpuPgpuCompatibilityLimitCode_t} bits ({@code NVML_VGPU_COMPATIBILITY_LIMIT_*}); 0 is {@code NONE}. */
    public static final Map<Integer, String> VGPU_COMPATIBILITY_LIMIT_BITS =
            Map.of(0x1, "HOST_DRIVER", 0x2, "GUEST_DRIVER", 0x4, "GPU", 0x80000000, "OTHER");

    /** {@code NVML_VGPU_PGPU_VIRTUALIZATION_CAP_MIGRATION} (bit 0 of the capability bitfields). */
    public static final int VIRTUALIZATION_CAP_MIGRATION = 0x1;

    /** A name from one of the tables, or {@code UNKNOWN_<n>}. */
    public static String nameIn(Map<Integer, String> table, int value) {
        String name = table.get(value);
        return name != null ? name : "UNKNOWN_" + Integer.toUnsignedString(value);
    }
}
