package io.concordkv.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports on 127.0.0.1 for tests that must name a port before the process or server that binds it
 * starts (a cluster's peer list, an etcd command line).
 *
 * <p>A port taken with {@code new ServerSocket(0)} and closed again comes from the kernel's
 * ephemeral range, the same range every {@code bind(0)} and every outgoing connection draws from in
 * the meantime: another server of the same test, or a client socket, can take it before its owner
 * binds it ("address in use"). These ports come from below that range instead, where nothing is
 * handed out automatically; each JVM starts at its own offset and walks forward, so tests in one
 * run and builds side by side do not pick the same one.
 */
public final class LoopbackPorts {
    private static final int LOWEST = 10_000;
    private static final int[] RANGE = range();
    private static final AtomicInteger NEXT = new AtomicInteger(
        (int) Math.floorMod(ProcessHandle.current().pid() * 7_919L, RANGE[1] - RANGE[0]));

    private LoopbackPorts() {
    }

    /** A port that was free on 127.0.0.1 a moment ago and that the kernel does not give to {@code bind(0)}. */
    public static int free() {
        int size = RANGE[1] - RANGE[0];
        for (int tried = 0; tried < size; tried++) {
            int port = RANGE[0] + Math.floorMod(NEXT.getAndIncrement(), size);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 in [" + RANGE[0] + ", " + RANGE[1] + ")");
    }

    /** [low, high): from 10000 up to where the kernel's ephemeral ports begin (32768 unless configured). */
    private static int[] range() {
        int ephemeralLow = 32_768;
        try {
            // readAllLines: Files.readString of this file (size 0 in /proc) returns only its first byte on JDK 17
            String[] parts = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            ephemeralLow = Integer.parseInt(parts[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the default
        }
        if (ephemeralLow - LOWEST < 1_000) {
            throw new IllegalStateException("the ephemeral port range starts at " + ephemeralLow
                + "; tests need ports below it from " + LOWEST);
        }
        return new int[] {LOWEST, ephemeralLow};
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
