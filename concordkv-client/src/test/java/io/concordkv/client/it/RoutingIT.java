package io.concordkv.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.ClientBuilder;
import io.concordkv.client.ConcordClient;
import io.concordkv.client.Endpoint;
import io.concordkv.client.EndpointStats;
import io.concordkv.client.GetResult;
import io.concordkv.client.HealthConfig;
import io.concordkv.client.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing over three independent single-node etcd servers (not a cluster: each has its own data,
 * which shows where a request went): the strategies, the health checker and failover.
 */
class RoutingIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static final List<EtcdProcess> ETCDS = new ArrayList<>();
    static List<Endpoint> endpoints;

    @BeforeAll
    static void start() {
        assumeTrue(EtcdProcess.available(), "etcd binary not installed");
        for (int i = 0; i < 3; i++) {
            ETCDS.add(EtcdProcess.start(dir, "r" + i));
        }
        endpoints = ETCDS.stream().map(EtcdProcess::endpoint).toList();
    }

    @AfterAll
    static void stop() {
        ETCDS.forEach(EtcdProcess::close);
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static ClientBuilder builder(String strategy) {
        return ConcordClient.builder().endpoints(endpoints).strategy(strategy).health(HealthConfig.DISABLED);
    }

    private static ConcordClient direct(Endpoint e) {
        return ConcordClient.builder().endpoints(List.of(e)).health(HealthConfig.DISABLED).build();
    }

    /** Requests sent so far, by endpoint. */
    private static Map<Endpoint, Long> requests(ConcordClient client) {
        return client.endpointStats().stream().collect(Collectors.toMap(EndpointStats::endpoint, EndpointStats::requests));
    }

    /** Puts {@code key=value} on every server directly. */
    private static void putEverywhere(String key, String value) {
        for (Endpoint e : endpoints) {
            try (ConcordClient c = direct(e)) {
                c.kv().put(b(key), b(value));
            }
        }
    }

    @Test
    void roundRobinSpreadsRequestsEvenly() {
        putEverywhere("rr/k", "v");
        try (ConcordClient client = builder("round-robin").build()) {
            for (int i = 0; i < 30; i++) {
                assertThat(client.kv().get(b("rr/k")).kvs()).hasSize(1);
            }
            assertThat(requests(client).values()).containsOnly(10L);
        }
    }

    @Test
    void consistentHashSendsEachKeyAlwaysToTheSameServer() {
        try (ConcordClient client = builder("consistent-hash").build()) {
            for (int i = 0; i < 30; i++) {
                client.kv().put(b("ch/" + i), b("v" + i));
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 30; i++) {
                    GetResult r = client.kv().get(b("ch/" + i));
                    assertThat(r.kvs()).as("key ch/%s read where it was written", i).hasSize(1);
                }
            }
            assertThat(requests(client).values()).as("keys spread over the ring").allMatch(n -> n > 0);
        }
        int[] holders = new int[30];
        for (Endpoint e : endpoints) {
            try (ConcordClient c = direct(e)) {
                for (int i = 0; i < 30; i++) {
                    holders[i] += c.kv().get(b("ch/" + i)).kvs().size();
                }
            }
        }
        assertThat(holders).containsOnly(1);
    }

    @Test
    void weightedFollowsConfiguredWeights() {
        try (ConcordClient client = builder("weighted").weight(endpoints.get(0), 3).build()) {
            for (int i = 0; i < 50; i++) {
                client.kv().put(Op.put(b("w/k"), b("v")).asIdempotent());
            }
            Map<Endpoint, Long> sent = requests(client);
            assertThat(sent.get(endpoints.get(0))).isEqualTo(30);
            assertThat(sent.get(endpoints.get(1))).isEqualTo(10);
            assertThat(sent.get(endpoints.get(2))).isEqualTo(10);
        }
    }

    @Test
    void leastOutstandingRotatesWhenIdleAndSpreadsConcurrentLoad() {
        putEverywhere("lo/k", "v");
        try (ConcordClient client = builder("least-outstanding").build()) {
            for (int i = 0; i < 30; i++) {
                client.kv().get(b("lo/k"));
            }
            assertThat(requests(client).values()).containsOnly(10L);
            List<CompletableFuture<GetResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                inFlight.add(client.kv().getAsync(Op.get(b("lo/k"))));
            }
            inFlight.forEach(f -> assertThat(f.join().kvs()).hasSize(1));
            assertThat(requests(client).values()).allMatch(n -> n >= 20);
            assertThat(client.endpointStats()).allMatch(s -> s.outstanding() == 0);
        }
    }

    @Test
    void healthCheckerTakesAKilledServerOutAndPutsItBackWhenRestarted() {
        putEverywhere("h/k", "same");
        EtcdProcess victim = ETCDS.get(1);
        HealthConfig fast = new HealthConfig(true, Duration.ofMillis(100), Duration.ofMillis(300), 2);
        try (ConcordClient client = builder("round-robin").health(fast).build()) {
            await().atMost(WAIT).until(() -> client.healthyEndpoints().size() == 3);
            victim.kill();
            try {
                for (int i = 0; i < 30; i++) {
                    assertThat(client.kv().get(b("h/k")).kvs()).as("read %s fails over", i).hasSize(1);
                }
                await().atMost(WAIT).until(() -> !client.healthyEndpoints().contains(victim.endpoint()));
                assertThat(client.healthyEndpoints()).hasSize(2);
                long before = requests(client).get(victim.endpoint());
                for (int i = 0; i < 20; i++) {
                    assertThat(client.kv().get(b("h/k")).kvs()).hasSize(1);
                }
                assertThat(requests(client).get(victim.endpoint())).as("no request to the dead server").isEqualTo(before);
            } finally {
                victim.startProcess();
            }
            await().atMost(WAIT).until(() -> client.healthyEndpoints().size() == 3);
            long before = requests(client).get(victim.endpoint());
            for (int i = 0; i < 9; i++) {
                client.kv().get(b("h/k"));
            }
            assertThat(requests(client).get(victim.endpoint())).isGreaterThan(before);
        }
    }

    @Test
    void withoutHealthChecksReadsAndIdempotentWritesFailOverButPlainWritesDoNot() {
        EtcdProcess victim = ETCDS.get(2);
        try (ConcordClient client = builder("round-robin").build()) {
            client.kv().put(Op.put(b("f/warm"), b("x")).asIdempotent());
            victim.kill();
            try {
                for (int i = 0; i < 12; i++) {
                    client.kv().get(b("f/warm"));
                    client.kv().put(Op.put(b("f/idem"), b("x")).asIdempotent());
                }
                List<KvException> failures = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    try {
                        client.kv().put(b("f/plain"), b("x"));
                    } catch (KvException e) {
                        failures.add(e);
                    }
                }
                assertThat(failures).as("plain puts that hit the dead server are not resent").hasSize(2)
                    .allMatch(e -> e.code() == ErrorCode.UNAVAILABLE);
                assertThat(client.endpointStats()).filteredOn(s -> s.endpoint().equals(victim.endpoint()))
                    .singleElement().satisfies(s -> assertThat(s.failures()).isGreaterThan(0));
            } finally {
                victim.startProcess();
            }
        }
    }

    @Test
    void aCallToAnUnknownEndpointStatusIsRejected() {
        try (ConcordClient client = builder("round-robin").build()) {
            assertThatThrownBy(() -> client.cluster().status(new Endpoint("127.0.0.1", 1)))
                .isInstanceOf(KvException.class);
            assertThat(client.cluster().status(endpoints.get(0)).version()).startsWith("3.4");
        }
    }
}
