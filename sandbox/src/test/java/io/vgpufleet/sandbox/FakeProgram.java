package io.vgpufleet.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Stands in for a service or node agent in launcher tests: serves 200 on every path of the port given as
 * {@code --server.port=} or {@code --http-port=}, until it is stopped. With {@code --seed=2} it fails at
 * once with exit code 7, like a host whose agent cannot start.
 */
public final class FakeProgram {

    private FakeProgram() {}

    public static void main(String[] args) throws IOException {
        int port = -1;
        for (String arg : args) {
            if (arg.equals("--seed=2")) {
                System.out.println("fake agent failing on purpose");
                System.exit(7);
            }
            if (arg.startsWith("--server.port=") || arg.startsWith("--http-port=")) {
                port = Integer.parseInt(arg.substring(arg.indexOf('=') + 1));
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("fake program listening on " + port);
    }
}
