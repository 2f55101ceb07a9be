package io.concordkv.client.internal.balance;

import io.concordkv.api.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consistent hashing on the request key: every candidate owns {@code virtualNodes} points on a
 * 64-bit ring (hashes of {@code id#i}); a key goes to the owner of the first point at or after the
 * key's hash. Removing a candidate moves only the keys it owned; the others keep their owner.
 * Requests without a key go round-robin.
 *
 * <p>The ring depends only on the candidates' ids, so every client instance routes a key the same
 * way. It is rebuilt when the candidate set changes (an endpoint is taken out, put back, or a
 * request fails over); the current ring is published through a volatile field.
 */
final class ConsistentHashStrategy implements BalancingStrategy {
    private final int virtualNodes;
    private final RoundRobinStrategy keyless = new RoundRobinStrategy();
    private volatile Ring ring = new Ring(List.of(), new TreeMap<>());

    ConsistentHashStrategy(int virtualNodes) {
        this.virtualNodes = virtualNodes;
    }

    @Override
    public <T extends Target> T pick(List<T> candidates, Bytes key) {
        if (key.isEmpty()) {
            return keyless.pick(candidates, key);
        }
        List<String> ids = candidates.stream().map(Target::id).toList();
        Ring current = ring;
        if (!current.ids.equals(ids)) {
            current = Ring.build(ids, virtualNodes);
            ring = current;
        }
        Map.Entry<Long, Integer> owner = current.points.ceilingEntry(hash(key.unsafeArray()));
        if (owner == null) {
            owner = current.points.firstEntry();
        }
        return candidates.get(owner.getValue());
    }

    /** FNV-1a 64 then the MurmurHash3 finalizer, for an even spread over the ring. */
    static long hash(byte[] data) {
        long h = 0xcbf29ce484222325L;
        for (byte b : data) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Ring points to the index of their candidate in {@code ids}. Immutable once built. */
    private record Ring(List<String> ids, TreeMap<Long, Integer> points) {
        static Ring build(List<String> ids, int virtualNodes) {
            TreeMap<Long, Integer> points = new TreeMap<>();
            for (int i = 0; i < ids.size(); i++) {
                for (int v = 0; v < virtualNodes; v++) {
                    byte[] label = (ids.get(i) + "#" + v).getBytes(StandardCharsets.UTF_8);
                    points.putIfAbsent(hash(label), i);
                }
            }
            return new Ring(List.copyOf(ids), points);
        }
    }
}
