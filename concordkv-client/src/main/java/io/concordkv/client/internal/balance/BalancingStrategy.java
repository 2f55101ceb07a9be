package io.concordkv.client.internal.balance;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.List;
import java.util.Map;

/**
 * Chooses the endpoint for one request among the candidates (the healthy endpoints the request
 * has not yet tried). Implementations are thread-safe and deterministic: given the same sequence
 * of calls they choose the same sequence of targets.
 */
public interface BalancingStrategy {
    /**
     * Picks one of {@code candidates}.
     *
     * @param candidates non-empty, in a stable order (sorted by id)
     * @param key the request's key, {@link Bytes#EMPTY} when it has none
     */
    <T extends Target> T pick(List<T> candidates, Bytes key);

    /**
     * The strategy called {@code name}.
     *
     * @param weights weight by target id, for {@code weighted}; empty means weigh by latency
     * @param virtualNodes ring points per target, for {@code consistent-hash}
     */
    static BalancingStrategy named(String name, Map<String, Integer> weights, int virtualNodes) {
        return switch (name) {
            case "round-robin" -> new RoundRobinStrategy();
            case "weighted" -> new WeightedStrategy(weights);
            case "consistent-hash" -> new ConsistentHashStrategy(virtualNodes);
            case "least-outstanding" -> new LeastOutstandingStrategy();
            default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "unknown strategy: " + name);
        };
    }
}
