package io.concordkv.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Builds a {@link ConcordClient}. Defaults: 2 channels per endpoint, {@code round-robin},
 * 160 virtual nodes, 5 s call timeout, {@link RetryConfig#DEFAULT}, {@link HealthConfig#DEFAULT},
 * no discovery, a jitter seed from {@link System#nanoTime()}. Not thread-safe; use from one thread.
 */
public final class ClientBuilder {
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final Map<Endpoint, Integer> weights = new HashMap<>();
    private int channelsPerEndpoint = 2;
    private String strategy = "round-robin";
    private int virtualNodes = 160;
    private Duration callTimeout = Duration.ofSeconds(5);
    private RetryConfig retry = RetryConfig.DEFAULT;
    private HealthConfig health = HealthConfig.DEFAULT;
    private Duration discoveryInterval = Duration.ZERO;
    private long jitterSeed = System.nanoTime();
    private LongSupplier nanoClock = System::nanoTime;

    ClientBuilder() {
    }

    /** Adds seed endpoints: {@code host:port} or {@code http://host:port}. */
    public ClientBuilder endpoints(String... addresses) {
        for (String a : addresses) {
            endpoints.add(Endpoint.parse(a));
        }
        return this;
    }

    /** Adds seed endpoints. */
    public ClientBuilder endpoints(List<Endpoint> list) {
        endpoints.addAll(list);
        return this;
    }

    /** gRPC channels (connections) per endpoint; requests rotate over them. */
    public ClientBuilder channelsPerEndpoint(int n) {
        this.channelsPerEndpoint = n;
        return this;
    }

    /** Load-balancing strategy by name, one of {@link ClientConfig#STRATEGIES}. */
    public ClientBuilder strategy(String name) {
        this.strategy = Objects.requireNonNull(name, "name");
        return this;
    }

    /** Weight of an endpoint for the {@code weighted} strategy (default 1 once any is given). */
    public ClientBuilder weight(Endpoint endpoint, int weight) {
        weights.put(endpoint, weight);
        return this;
    }

    /** Points per endpoint on the {@code consistent-hash} ring. */
    public ClientBuilder virtualNodes(int n) {
        this.virtualNodes = n;
        return this;
    }

    /** Deadline of each call, retries included. */
    public ClientBuilder callTimeout(Duration timeout) {
        this.callTimeout = timeout;
        return this;
    }

    public ClientBuilder retry(RetryConfig config) {
        this.retry = config;
        return this;
    }

    public ClientBuilder health(HealthConfig config) {
        this.health = config;
        return this;
    }

    /** Adds members' client URLs from MemberList every {@code interval}; zero turns it off. */
    public ClientBuilder discoveryInterval(Duration interval) {
        this.discoveryInterval = interval;
        return this;
    }

    /** Seed of the backoff jitter, to replay a run exactly. */
    public ClientBuilder jitterSeed(long seed) {
        this.jitterSeed = seed;
        return this;
    }

    /** Monotonic clock in nanoseconds used to measure latency (for tests). */
    public ClientBuilder nanoClock(LongSupplier clock) {
        this.nanoClock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The validated configuration. */
    public ClientConfig config() {
        return new ClientConfig(endpoints, channelsPerEndpoint, strategy, weights, virtualNodes, callTimeout,
            retry, health, discoveryInterval, jitterSeed);
    }

    /** Creates the client; connections are opened lazily, on first use. */
    public ConcordClient build() {
        return new ConcordClient(config(), nanoClock);
    }
}
