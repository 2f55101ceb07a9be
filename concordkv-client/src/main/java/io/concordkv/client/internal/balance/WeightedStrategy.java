package io.concordkv.client.internal.balance;

import io.concordkv.api.Bytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round-robin (the nginx scheme): each pick adds every candidate's weight to its
 * running score, takes the highest score and subtracts the total from it. Over any window of
 * {@code sum(weights)} picks each candidate gets exactly its weight, spread out rather than in runs.
 *
 * <p>Weights come from configuration (missing ids weigh 1). With none configured they come from
 * observed latency: {@code max(1, round(10 * fastest / latency))}, so the fastest endpoint weighs
 * 10 and one twice as slow 5; an endpoint with no latency yet weighs as much as the fastest.
 *
 * <p>Thread-safety: {@link #pick} is synchronized (it updates the scores).
 */
final class WeightedStrategy implements BalancingStrategy {
    static final int LATENCY_SCALE = 10;

    private final Map<String, Integer> configured;
    private final Map<String, Long> scores = new HashMap<>();

    WeightedStrategy(Map<String, Integer> configured) {
        this.configured = Map.copyOf(configured);
    }

    @Override
    public synchronized <T extends Target> T pick(List<T> candidates, Bytes key) {
        int[] weights = weights(candidates);
        long total = 0;
        T best = null;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < candidates.size(); i++) {
            T t = candidates.get(i);
            long score = scores.getOrDefault(t.id(), 0L) + weights[i];
            scores.put(t.id(), score);
            total += weights[i];
            if (score > bestScore) {
                best = t;
                bestScore = score;
            }
        }
        scores.put(best.id(), bestScore - total);
        if (scores.size() > candidates.size() * 2) {
            scores.keySet().retainAll(candidates.stream().map(Target::id).toList());
        }
        return best;
    }

    /** The weight of each candidate, in order. */
    <T extends Target> int[] weights(List<T> candidates) {
        int[] out = new int[candidates.size()];
        if (!configured.isEmpty()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = configured.getOrDefault(candidates.get(i).id(), 1);
            }
            return out;
        }
        long fastest = Long.MAX_VALUE;
        for (T t : candidates) {
            if (t.latencyNanos() > 0) {
                fastest = Math.min(fastest, t.latencyNanos());
            }
        }
        for (int i = 0; i < out.length; i++) {
            long latency = candidates.get(i).latencyNanos();
            out[i] = latency <= 0 || fastest == Long.MAX_VALUE
                ? LATENCY_SCALE
                : (int) Math.max(1, Math.round((double) LATENCY_SCALE * fastest / latency));
        }
        return out;
    }
}
