package io.vgpufleet.sandbox.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aBoundPortIsReportedByNumberAndPurpose() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(Ports.isFree("127.0.0.1", port)).isFalse();
            assertThatThrownBy(() -> Ports.requireFree("127.0.0.1", port, "inventory-service"))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageStartingWith("port " + port + " on 127.0.0.1 (inventory-service) is already in use")
                    .satisfies(e -> assertThat(((PortInUseException) e).port()).isEqualTo(port));
        }
    }

    @Test
    void aPortNobodyHoldsIsFree() {
        int port = Ports.anyFree();
        assertThat(Ports.isFree("127.0.0.1", port)).isTrue();
    }
}
