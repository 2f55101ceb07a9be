package io.concordkv.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Regression: a test named a port found with {@code ServerSocket(0)}, then another server of the same
 * test bound port 0 and was given that very port ("cannot listen for raft peers ...: address in use").
 */
class LoopbackPortsTest {

    @Test
    void portsAreBindableDistinctAndNeverHandedOutByBindZero() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralLow = Files.exists(range)
            ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32_768;
        Set<Integer> named = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.free();
            assertThat(port).isBetween(10_000, ephemeralLow - 1);
            assertThat(named.add(port)).as("port %d given twice", port).isTrue();
        }
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                assertThat(named).doesNotContain(s.getLocalPort());
            }
            for (int port : named) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    assertThat(s.getLocalPort()).isEqualTo(port);
                }
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
