package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that configures a {@link ConcordClient}; built by {@link ClientBuilder}, validated
 * here.
 *
 * @param endpoints the static seed endpoints, at least one
 * @param channelsPerEndpoint gRPC channels (connections) kept to each endpoint, 1 to 64
 * @param strategy load-balancing strategy: one of {@link #STRATEGIES}
 * @param weights weight per endpoint for {@code weighted} (empty: weigh by observed latency)
 * @param virtualNodes points per endpoint on the {@code consistent-hash} ring
 * @param callTimeout deadline of each call, retries included
 * @param retry retry and backoff policy for retry-safe calls
 * @param health health checker settings
 * @param discoveryInterval how often to add the members' client URLs from MemberList; zero: never
 * @param jitterSeed seed of the backoff jitter
 */
public record ClientConfig(List<Endpoint> endpoints, int channelsPerEndpoint, String strategy,
                           Map<Endpoint, Integer> weights, int virtualNodes, Duration callTimeout,
                           RetryConfig retry, HealthConfig health, Duration discoveryInterval, long jitterSeed) {
    /** The load-balancing strategies by name. */
    public static final Set<String> STRATEGIES =
        Set.of("round-robin", "weighted", "consistent-hash", "least-outstanding");

    public ClientConfig {
        endpoints = List.copyOf(endpoints);
        weights = Map.copyOf(weights);
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(discoveryInterval, "discoveryInterval");
        check(!endpoints.isEmpty(), "at least one endpoint is needed");
        check(channelsPerEndpoint >= 1 && channelsPerEndpoint <= 64, "channelsPerEndpoint must be 1..64");
        check(STRATEGIES.contains(strategy), "unknown strategy '" + strategy + "', expected one of " + STRATEGIES);
        check(virtualNodes >= 1 && virtualNodes <= 10_000, "virtualNodes must be 1..10000");
        check(!callTimeout.isNegative() && !callTimeout.isZero(), "callTimeout must be positive");
        check(!discoveryInterval.isNegative(), "discoveryInterval must not be negative");
        check(weights.values().stream().allMatch(w -> w > 0), "weights must be positive");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, message);
        }
    }
}
