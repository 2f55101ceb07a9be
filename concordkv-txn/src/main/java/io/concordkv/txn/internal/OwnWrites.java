package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.KeyVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Merging a transaction's buffered writes into what it reads from the store. Stateless. */
final class OwnWrites {
    private OwnWrites() {
    }

    static boolean anyIn(NavigableMap<Bytes, CommitSequencer.Mutation> writes, ScanRange range) {
        Bytes first = writes.ceilingKey(range.start());
        return first != null && range.contains(first);
    }

    /**
     * {@code stored} (read without a limit) with the writes in {@code range} applied: puts added
     * or replacing (as versions with revision 0: uncommitted), deletes removed; then ordered and
     * limited as {@code range} asks.
     */
    static List<KeyVersion> merge(List<KeyVersion> stored, NavigableMap<Bytes, CommitSequencer.Mutation> writes,
                                  ScanRange range) {
        TreeMap<Bytes, KeyVersion> merged = new TreeMap<>();
        stored.forEach(kv -> merged.put(kv.key(), kv));
        NavigableMap<Bytes, CommitSequencer.Mutation> inRange = range.end()
            .map(end -> writes.subMap(range.start(), true, end, false))
            .orElse(writes.tailMap(range.start(), true));
        for (CommitSequencer.Mutation m : inRange.values()) {
            if (m.isDelete()) {
                merged.remove(m.key());
            } else {
                merged.put(m.key(), new KeyVersion(m.key(), m.value(), 0, 0, 0, m.lease()));
            }
        }
        List<KeyVersion> out = new ArrayList<>(range.isReverse() ? merged.descendingMap().values() : merged.values());
        return range.limit() > 0 && out.size() > range.limit() ? out.subList(0, range.limit()) : out;
    }
}
