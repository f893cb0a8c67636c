package io.vgpufleet.sandbox.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that local TCP ports are free before anything is started, so that a taken port is reported
 * by number and purpose instead of as a bind error deep in a child's log.
 */
public final class Ports {

    private Ports() {}

    /** @throws PortInUseException where {@code host:port} cannot be bound now */
    public static void requireFree(String host, int port, String purpose) {
        if (!isFree(host, port)) {
            throw new PortInUseException(host, port, purpose);
        }
    }

    public static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago (for tests and ad-hoc runs). */
    public static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
