package io.concordkv.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.HealthConfig;
import io.concordkv.client.WatchEvent;
import io.concordkv.client.WatchOptions;
import io.concordkv.client.Watcher;
import io.concordkv.testing.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watch outlives its server's crash: after SIGKILL and a restart on the same directory and
 * port, the client's watch stream reopens from the revision after the last event it delivered, so
 * no event is lost or repeated.
 */
class ClientReconnectIT {
    @TempDir
    Path dir;

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static String describe(WatchEvent e) {
        return e.type() + " " + e.kv().key().toUtf8() + "@" + e.revision();
    }

    @Test
    void aWatchResumesAfterTheServerIsKilledAndRestartedWithoutLosingOrRepeatingEvents() throws Exception {
        int port = LoopbackPorts.free();
        ServerProcess server = ServerProcess.start(dir, port, "--fsync", "always");
        try (ConcordClient client = ConcordClient.builder().endpoints(List.of(new Endpoint("127.0.0.1", port)))
            .health(HealthConfig.DISABLED).callTimeout(Duration.ofSeconds(5)).build()) {
            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            try (Watcher w = client.watch().watchEach(WatchOptions.prefix(b("r/")), events::add)) {
                w.started().get(10, TimeUnit.SECONDS);
                client.kv().put(b("r/1"), b("a"));
                client.kv().put(b("r/2"), b("b"));
                await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
                server.kill();
                server = server.restart();
                // writes from another client while the watcher's stream is still reconnecting
                try (ConcordClient other = ConcordClient.builder().endpoints(List.of(new Endpoint("127.0.0.1", port)))
                    .health(HealthConfig.DISABLED).build()) {
                    other.kv().put(b("r/3"), b("c"));
                    other.kv().delete(b("r/1"));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 4);
            }
            assertThat(events.stream().map(ClientReconnectIT::describe).toList())
                .containsExactly("PUT r/1@2", "PUT r/2@3", "PUT r/3@4", "DELETE r/1@5");
        } finally {
            server.close();
        }
    }

    /**
     * A kept-alive lease outlives a server restart: the keep-alive stream reopens, the restarted
     * server gives the lease its whole TTL again, and the key stays well past the TTL.
     */
    @Test
    void aKeptAliveLeaseAndItsKeySurviveAServerRestart() throws Exception {
        int port = LoopbackPorts.free();
        ServerProcess server = ServerProcess.start(dir, port, "--fsync", "always");
        try (ConcordClient client = ConcordClient.builder().endpoints(List.of(new Endpoint("127.0.0.1", port)))
            .health(HealthConfig.DISABLED).build()) {
            long lease = client.leases().grant(2).id();
            client.kv().put(io.concordkv.client.Op.put(b("eph"), b("x")).withLease(lease));
            try (io.concordkv.client.KeepAlive keep = client.leases().keepAlive(lease)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> keep.lastTtlSeconds() == 2);
                server.kill();
                server = server.restart();
                long restarted = System.nanoTime();
                // past the TTL plus the 5 s a restart adds: only the keep-alive can have held the lease
                await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(9))
                    .until(() -> System.nanoTime() - restarted > TimeUnit.SECONDS.toNanos(9));
                assertThat(keep.done()).isNotDone();
                assertThat(client.kv().get(b("eph")).kvs()).as("the leased key is still there").hasSize(1);
            }
        } finally {
            server.close();
        }
    }
}
