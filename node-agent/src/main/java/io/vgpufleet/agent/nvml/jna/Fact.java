package io.vgpufleet.agent.nvml.jna;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing NVML was asked: the value where the call succeeded, else the return code's name. A
 * {@code NVML_ERROR_NOT_SUPPORTED} answer is a capability the device lacks, not a fault ({@link
 * #notSupported()}).
 *
 * @param value present exactly where {@code status} is {@code NVML_SUCCESS}
 * @param status the return code's name ({@link NvmlReturn#nameOf(int)})
 */
public record Fact<T>(@Nullable T value, String status) {

    public Fact {
        Objects.requireNonNull(status, "status");
        if ((value != null) != NvmlReturn.SUCCESS.cName().equals(status)) {
            throw new IllegalArgumentException("a value comes with NVML_SUCCESS and only with it: " + status);
        }
    }

    public static <T> Fact<T> of(T value) {
        return new Fact<>(Objects.requireNonNull(value, "value"), NvmlReturn.SUCCESS.cName());
    }

    /** The answer of a failed call; {@code code} must not be success. */
    public static <T> Fact<T> failed(int code) {
        if (code == NvmlReturn.SUCCESS.code()) {
            throw new IllegalArgumentException("success carries a value");
        }
        return new Fact<>(null, NvmlReturn.nameOf(code));
    }

    /** A failed answer of another type, with the same status. */
    public static <T> Fact<T> sameFailure(Fact<?> failed) {
        return new Fact<>(null, failed.status());
    }

    public boolean present() {
        return value != null;
    }

    /** NOT_SUPPORTED, or a symbol this driver's library lacks (FUNCTION_NOT_FOUND): a capability, absent. */
    public boolean notSupported() {
        return NvmlReturn.NOT_SUPPORTED.cName().equals(status) || NvmlReturn.FUNCTION_NOT_FOUND.cName().equals(status);
    }

    /** Neither a value nor an absent capability: a call that failed. */
    public boolean error() {
        return !present() && !notSupported();
    }

    /** The value, or "not supported", or the failure's name: how the self-check prints it. */
    public String describe() {
        if (value != null) {
            return String.valueOf(value);
        }
        return notSupported() ? "not supported" : "error " + status;
    }
}
