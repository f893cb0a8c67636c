package io.vgpufleet.agent.nvml.jna;

/**
 * NVML could not be opened: the library is absent ({@code NVML_ERROR_LIBRARY_NOT_FOUND}) or {@code
 * nvmlInit_v2} failed with {@link #reason()}, the return code's name.
 */
public final class NvmlUnavailableException extends Exception {

    private final String reason;

    public NvmlUnavailableException(String reason, String detail) {
        super(reason + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.reason = reason;
    }

    /** The NVML return code's name, e.g. {@code NVML_ERROR_DRIVER_NOT_LOADED}. */
    public String reason() {
        return reason;
    }
}
