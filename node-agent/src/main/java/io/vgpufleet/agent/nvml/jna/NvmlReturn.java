package io.vgpufleet.agent.nvml.jna;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code nvmlReturn_t} value of {@code nvml.h} (API version 12; {@code RESET_TYPE_NOT_SUPPORTED}
 * from the 13.x header), by name. The port's "unavailable" answers carry {@link #cName()}, e.g.
 * {@code NVML_ERROR_GPU_IS_LOST}; a code this table does not know keeps its number ({@link #nameOf(int)}).
 */
public enum NvmlReturn {
    SUCCESS(0),
    UNINITIALIZED(1),
    INVALID_ARGUMENT(2),
    NOT_SUPPORTED(3),
    NO_PERMISSION(4),
    ALREADY_INITIALIZED(5),
    NOT_FOUND(6),
    INSUFFICIENT_SIZE(7),
    INSUFFICIENT_POWER(8),
    DRIVER_NOT_LOADED(9),
    TIMEOUT(10),
    IRQ_ISSUE(11),
    LIBRARY_NOT_FOUND(12),
    FUNCTION_NOT_FOUND(13),
    CORRUPTED_INFOROM(14),
    GPU_IS_LOST(15),
    RESET_REQUIRED(16),
    OPERATING_SYSTEM(17),
    LIB_RM_VERSION_MISMATCH(18),
    IN_USE(19),
    MEMORY(20),
    NO_DATA(21),
    VGPU_ECC_NOT_SUPPORTED(22),
    INSUFFICIENT_RESOURCES(23),
    FREQ_NOT_SUPPORTED(24),
    ARGUMENT_VERSION_MISMATCH(25),
    DEPRECATED(26),
    NOT_READY(27),
    GPU_NOT_FOUND(28),
    INVALID_STATE(29),
    RESET_TYPE_NOT_SUPPORTED(30),
    UNKNOWN(999);

    private static final Map<Integer, NvmlReturn> BY_CODE = new HashMap<>();

    static {
        for (NvmlReturn value : values()) {
            BY_CODE.put(value.code, value);
        }
    }

    private final int code;

    NvmlReturn(int code) {
        this.code = code;
    }

    /** The numeric value in {@code nvml.h}. */
    public int code() {
        return code;
    }

    /** The constant's name in {@code nvml.h}: {@code NVML_SUCCESS} or {@code NVML_ERROR_<NAME>}. */
    public String cName() {
        return this == SUCCESS ? "NVML_SUCCESS" : "NVML_ERROR_" + name();
    }

    public boolean ok() {
        return this == SUCCESS;
    }

    /** The value for a code; empty for a number this header does not define. */
    public static Optional<NvmlReturn> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /** {@link #cName()} of a code, or {@code NVML_ERROR_CODE_<n>} for a number this header does not define. */
    public static String nameOf(int code) {
        NvmlReturn known = BY_CODE.get(code);
        return known != null ? known.cName() : "NVML_ERROR_CODE_" + code;
    }
}
