package io.concordkv.it.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code concordkv server} in a child JVM on 127.0.0.1, started from the test classpath, its
 * output in {@code dir/server.log}. Stops only the process it started.
 */
final class ServerProcess implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path dir;
    private final String[] flags;

    private ServerProcess(int port, Process process, Path dir, String[] flags) {
        this.port = port;
        this.process = process;
        this.dir = dir;
        this.flags = flags;
    }

    /** The same server started again on its directory and port (after {@link #kill}). */
    ServerProcess restart() throws IOException {
        return start(dir, port, flags);
    }

    static ServerProcess start(Path dir, int port, String... extraFlags) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
            "io.concordkv.cli.Main", "server", "--data-dir", dir.resolve("data").toString(),
            "--listen-client", "127.0.0.1:" + port, "--listen-http", "127.0.0.1:0"));
        cmd.addAll(List.of(extraFlags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        ServerProcess server = new ServerProcess(port, p, dir, extraFlags);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited with " + p.exitValue() + "; see " + dir.resolve("server.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return server;
    }

    String endpoint() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL, no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM; returns the exit status. */
    int terminate() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
