package io.concordkv.client.internal.balance;

import io.concordkv.api.Bytes;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The candidate with the fewest requests in flight. Ties go round-robin: the scan starts one
 * place further on each call, and only a strictly smaller count displaces the first found.
 */
final class LeastOutstandingStrategy implements BalancingStrategy {
    private final AtomicLong start = new AtomicLong();

    @Override
    public <T extends Target> T pick(List<T> candidates, Bytes key) {
        int n = candidates.size();
        int first = (int) Math.floorMod(start.getAndIncrement(), (long) n);
        T best = candidates.get(first);
        int bestCount = best.outstanding();
        for (int i = 1; i < n; i++) {
            T t = candidates.get((first + i) % n);
            int count = t.outstanding();
            if (count < bestCount) {
                best = t;
                bestCount = count;
            }
        }
        return best;
    }
}
