package io.concordkv.it.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One cluster member in a child JVM (the test classpath's {@code concordkv server}), its output
 * appended to {@code dir/<name>.log}. Signals go only to the process it started.
 */
final class ClusterMember implements AutoCloseable {
    final String name;
    final int clientPort;
    final int listenPeer;
    private final Path dir;
    private final List<String> flags;
    private Process process;

    ClusterMember(String name, Path dir, int clientPort, int listenPeer, List<String> flags) {
        this.name = name;
        this.dir = dir;
        this.clientPort = clientPort;
        this.listenPeer = listenPeer;
        this.flags = List.copyOf(flags);
    }

    List<String> flags() {
        return flags;
    }

    String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp",
            System.getProperty("java.class.path"), "io.concordkv.cli.Main", "server", "--name", name,
            "--data-dir", dir.resolve(name).toString(), "--listen-client", endpoint(), "--listen-http", "127.0.0.1:0",
            "--listen-peer", "127.0.0.1:" + listenPeer, "--fsync", "never", "--log-format", "text"));
        cmd.addAll(flags);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        Process p = process;
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + dir.resolve(name
                    + ".log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void terminate() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (alive()) {
            signal("CONT");
            kill9();
        }
    }
}
