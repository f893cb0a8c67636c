package io.vgpufleet.agent.kernel;

/**
 * The kernel (or driver) refused a write. {@link #errno()} is the errno's name ({@code EINVAL},
 * {@code EEXIST}, {@code ENODEV}, {@code EUSERS}, {@code EBUSY}, {@code ENOENT}, {@code EIO}), which the
 * agent passes on as a {@code CommandFailed} error code.
 */
public final class KernelError extends Exception {

    public static final String EINVAL = "EINVAL";
    public static final String EEXIST = "EEXIST";
    public static final String ENODEV = "ENODEV";
    public static final String EUSERS = "EUSERS";
    public static final String EBUSY = "EBUSY";
    public static final String ENOENT = "ENOENT";
    public static final String EIO = "EIO";

    private static final long serialVersionUID = 1L;

    private final String errno;

    public KernelError(String errno, String message) {
        super(message);
        this.errno = errno;
    }

    public String errno() {
        return errno;
    }
}
