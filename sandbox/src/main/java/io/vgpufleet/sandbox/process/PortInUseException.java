package io.vgpufleet.sandbox.process;

/** A port the sandbox needs is already taken by another process; the message names port and user. */
public final class PortInUseException extends IllegalStateException {

    private final int port;

    public PortInUseException(String host, int port, String purpose) {
        super("port " + port + " on " + host + " (" + purpose + ") is already in use; stop whatever holds it "
                + "(e.g. `ss -ltnp 'sport = :" + port + "'` shows it) or choose another port");
        this.port = port;
    }

    public int port() {
        return port;
    }
}
