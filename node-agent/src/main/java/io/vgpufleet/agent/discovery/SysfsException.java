package io.vgpufleet.agent.discovery;

/**
 * A part of the host that could not be read or did not say what the kernel writes there. The message
 * is the reason, safe to log and to publish (hostile contents are echoed only through
 * {@link io.vgpufleet.contracts.Checks#printable}).
 */
public final class SysfsException extends Exception {

    private static final long serialVersionUID = 1L;

    public SysfsException(String reason) {
        super(reason);
    }
}
