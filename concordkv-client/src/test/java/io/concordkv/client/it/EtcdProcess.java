package io.concordkv.client.it;

import static org.awaitility.Awaitility.await;

import io.concordkv.client.ConcordClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.HealthConfig;
import io.concordkv.client.RetryConfig;
import io.concordkv.testing.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One single-node etcd server started by a test, on 127.0.0.1 ports chosen free, with its data in
 * a directory the test owns. Only the process started here is ever killed (by its handle).
 */
final class EtcdProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/etcd");

    private final String name;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private EtcdProcess(String name, Path dataDir, int clientPort, int peerPort) {
        this.name = name;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts a server in {@code parent/name} and waits until it answers. */
    static EtcdProcess start(Path parent, String name) {
        EtcdProcess etcd = new EtcdProcess(name, parent.resolve(name), LoopbackPorts.free(), LoopbackPorts.free());
        etcd.startProcess();
        return etcd;
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", clientPort);
    }

    /** Starts the process again on the same ports and data (after {@link #kill()}). */
    void startProcess() {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        ProcessBuilder pb = new ProcessBuilder(List.of(BINARY.toString(),
            "--name", name, "--data-dir", dataDir.resolve("data").toString(),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", name + "=" + peer,
            "--heartbeat-interval", "100", "--election-timeout", "500"));
        try {
            Files.createDirectories(dataDir);
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()));
            process = pb.start();
            Process started = process;
            // if the test JVM dies without @AfterAll, still end the server it started (and only it)
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "etcd-" + name + "-reaper"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitServing();
    }

    private void awaitServing() {
        try (ConcordClient probe = ConcordClient.builder().endpoints(List.of(endpoint()))
            .health(HealthConfig.DISABLED).retry(RetryConfig.NONE).callTimeout(Duration.ofMillis(500)).build()) {
            await("etcd " + name + " serving").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("etcd exited with " + process.exitValue()
                            + ", see " + dataDir.resolve("etcd.log"));
                    }
                    return probe.cluster().status(endpoint()).version().startsWith("3.");
                });
        }
    }

    /** Kills the process (SIGKILL) and waits for it to end. */
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
    }
}
