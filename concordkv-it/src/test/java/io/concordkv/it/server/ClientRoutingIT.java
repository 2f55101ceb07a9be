package io.concordkv.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.EndpointStats;
import io.concordkv.client.HealthConfig;
import io.concordkv.testing.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client over three ConcordKV server processes (independent single nodes, so where a key
 * lives shows where a request went): load balancing, health checking and failover when one is
 * killed with SIGKILL, and its return.
 */
class ClientRoutingIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static final List<ServerProcess> SERVERS = new ArrayList<>();
    static List<Endpoint> endpoints;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            Path d = Files.createDirectories(dir.resolve("n" + i));
            SERVERS.add(ServerProcess.start(d, LoopbackPorts.free(), "--name", "n" + i, "--fsync", "never"));
        }
        endpoints = SERVERS.stream().map(s -> new Endpoint("127.0.0.1", s.port)).toList();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (ServerProcess s : SERVERS) {
            s.close();
        }
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static Map<Endpoint, Long> requests(ConcordClient client) {
        return client.endpointStats().stream().collect(Collectors.toMap(EndpointStats::endpoint, EndpointStats::requests));
    }

    @Test
    void roundRobinSpreadsAndConsistentHashKeepsEachKeyOnOneServer() {
        try (ConcordClient rr = ConcordClient.builder().endpoints(endpoints).strategy("round-robin")
            .health(HealthConfig.DISABLED).build()) {
            for (int i = 0; i < 30; i++) {
                rr.kv().get(b("rr/none"));
            }
            assertThat(requests(rr).values()).containsOnly(10L);
        }
        try (ConcordClient ch = ConcordClient.builder().endpoints(endpoints).strategy("consistent-hash")
            .health(HealthConfig.DISABLED).build()) {
            for (int i = 0; i < 30; i++) {
                ch.kv().put(b("ch/" + i), b("v"));
            }
            for (int i = 0; i < 30; i++) {
                assertThat(ch.kv().get(b("ch/" + i)).kvs()).as("ch/%s read where it was written", i).hasSize(1);
            }
            assertThat(requests(ch).values()).as("the ring spreads keys").allMatch(n -> n > 0);
        }
    }

    @Test
    void aKilledServerIsTakenOutReadsFailOverAndItComesBackAfterARestart() throws Exception {
        for (Endpoint e : endpoints) {
            try (ConcordClient direct = ConcordClient.builder().endpoints(List.of(e)).health(HealthConfig.DISABLED)
                .build()) {
                direct.kv().put(b("h/k"), b("same"));
            }
        }
        HealthConfig fast = new HealthConfig(true, Duration.ofMillis(100), Duration.ofMillis(500), 2);
        try (ConcordClient client = ConcordClient.builder().endpoints(endpoints).strategy("round-robin").health(fast)
            .build()) {
            await().atMost(WAIT).until(() -> client.healthyEndpoints().size() == 3);
            ServerProcess victim = SERVERS.get(1);
            Endpoint dead = endpoints.get(1);
            victim.kill();
            for (int i = 0; i < 30; i++) {
                assertThat(client.kv().get(b("h/k")).kvs()).as("read %s fails over", i).hasSize(1);
            }
            await().atMost(WAIT).until(() -> !client.healthyEndpoints().contains(dead));
            long before = requests(client).get(dead);
            for (int i = 0; i < 20; i++) {
                assertThat(client.kv().get(b("h/k")).kvs()).hasSize(1);
            }
            assertThat(requests(client).get(dead)).as("nothing sent to the dead server").isEqualTo(before);
            SERVERS.set(1, victim.restart());
            await().atMost(WAIT).until(() -> client.healthyEndpoints().size() == 3);
            for (int i = 0; i < 9; i++) {
                client.kv().get(b("h/k"));
            }
            assertThat(requests(client).get(dead)).as("back in rotation").isGreaterThan(before);
        }
    }
}
