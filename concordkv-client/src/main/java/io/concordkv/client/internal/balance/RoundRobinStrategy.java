package io.concordkv.client.internal.balance;

import io.concordkv.api.Bytes;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each request to the next candidate in turn. Lock-free. */
final class RoundRobinStrategy implements BalancingStrategy {
    private final AtomicLong next = new AtomicLong();

    @Override
    public <T extends Target> T pick(List<T> candidates, Bytes key) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}
