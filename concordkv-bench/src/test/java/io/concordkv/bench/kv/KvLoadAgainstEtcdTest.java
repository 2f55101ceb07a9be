package io.concordkv.bench.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concordkv.testing.LoopbackPorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The load generator against a real etcd 3.4 (Debian's etcd-server; skipped without it), with
 * each driver: every put and read is answered and checked, none fails. The lean driver speaks to
 * Go's gRPC server here (its window updates, pings and header encoding), not only grpc-java's.
 */
class KvLoadAgainstEtcdTest {
    private static final Path ETCD = Path.of("/usr/bin/etcd");
    @TempDir
    static Path dir;
    private static Process etcd;
    private static int port;

    @BeforeAll
    static void startEtcd() throws IOException {
        assumeTrue(Files.isExecutable(ETCD), "etcd binary not installed");
        port = LoopbackPorts.free();
        String client = "http://127.0.0.1:" + port;
        String peer = "http://127.0.0.1:" + LoopbackPorts.free();
        etcd = new ProcessBuilder(ETCD.toString(), "--name", "bench", "--data-dir", dir.resolve("data").toString(),
            "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer, "--initial-cluster", "bench=" + peer)
            .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
    }

    @AfterAll
    static void stopEtcd() throws InterruptedException {
        if (etcd != null) {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"h2,put,true", "h2,range,true", "h2,range,false", "grpc-java,put,true", "grpc-java,range,false"})
    void everyRequestIsAnsweredAndChecked(String driver, String op, boolean linearizable) throws InterruptedException {
        Map<String, Object> result = KvLoad.run(new KvLoad.Config("etcd", List.of("127.0.0.1:" + port), 40, 4, op,
            linearizable, 3_000, 500, 8, 256, 200, Duration.ofSeconds(60), 7, driver));
        assertThat(result.get("errors_by_code")).as("failures by code").isNull();
        assertThat(result.get("errors")).isEqualTo(0L);
        assertThat(result.get("total")).isEqualTo(3_000L);
        assertThat(result.get("driver")).isEqualTo(driver);
    }
}
