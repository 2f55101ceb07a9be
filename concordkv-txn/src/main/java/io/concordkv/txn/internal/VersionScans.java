package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link VersionedEngine} reads its key space in order for scans and range deletes: history
 * from its sorted array, the latest versions through their ordered keys ({@link LatestIndex}, over
 * an ordered engine) or by filtering the latest-version table (the {@code hash} engine), merged
 * with the wrapped engine's records. Its caller holds the engine's lock, and has filed what commits
 * left unfiled.
 */
final class VersionScans {
    static final Bytes HISTORY_START = Bytes.wrap(new byte[] {MvccKeys.HISTORY});
    static final Bytes HISTORY_END = Bytes.wrap(new byte[] {MvccKeys.HISTORY + 1});

    private final StorageEngine inner;
    /** Null over an unordered engine. */
    private final LatestIndex ordered;
    private final LatestTable latest;
    private final HistoryLog history;

    VersionScans(StorageEngine inner, LatestIndex ordered, LatestTable latest, HistoryLog history) {
        this.inner = inner;
        this.ordered = ordered;
        this.latest = latest;
        this.history = history;
    }

    void scanHistory(ScanRange range, int limit, List<KeyValue> out) {
        int[] part = historyPart(range);
        int count = part[1] - part[0];
        if (limit > 0) {
            count = Math.min(count, limit);
        }
        for (int n = 0; n < count; n++) {
            int i = range.isReverse() ? part[1] - 1 - n : part[0] + n;
            out.add(new KeyValue(history.keyAt(i), history.encodedAt(i)));
        }
    }

    /** The records in {@code range} outside history: the latest versions merged with the wrapped engine's records. */
    void scanInner(ScanRange range, List<KeyValue> out) {
        if (ordered == null) {
            scanUnordered(range, out);
            return;
        }
        List<KeyValue> others = inner.scan(range);
        List<Bytes> keys = orderedIn(range, range.isReverse(), range.limit());
        int limit = range.limit() == 0 ? Integer.MAX_VALUE : range.limit();
        int a = 0;
        int b = 0;
        int added = 0;
        // the next latest version's 'k' key, made once however many other records go before it
        Bytes next = keys.isEmpty() ? null : MvccKeys.latest(keys.get(0));
        while (added < limit && (next != null || b < others.size())) {
            boolean takeLatest = b == others.size() || next != null
                && (range.isReverse() ? next.compareTo(others.get(b).key()) > 0 : next.compareTo(others.get(b).key()) < 0);
            if (takeLatest) {
                out.add(new KeyValue(next, latest.get(keys.get(a++)).encode()));
                next = a < keys.size() ? MvccKeys.latest(keys.get(a)) : null;
            } else {
                out.add(others.get(b++));
            }
            added++;
        }
    }

    /**
     * The user keys of the latest versions whose {@code 'k'} keys are between {@code range}'s
     * bounds, from {@link #ordered}: at most {@code limit} (0: all), in order or, with
     * {@code reverse}, in reverse order (the range's own limit and direction are not read).
     */
    private List<Bytes> orderedIn(ScanRange range, boolean reverse, int limit) {
        Bytes start = range.start();
        Bytes from = null;
        if (!start.isEmpty() && start.byteAt(0) >= MvccKeys.LATEST) {
            if (start.byteAt(0) > MvccKeys.LATEST) {
                return List.of();
            }
            from = Bytes.wrap(java.util.Arrays.copyOfRange(start.unsafeArray(), 1, start.length()));
        }
        Bytes to = null;
        Optional<Bytes> end = range.end();
        if (end.isPresent() && (end.get().isEmpty() || end.get().byteAt(0) <= MvccKeys.LATEST)) {
            if (end.get().isEmpty() || end.get().byteAt(0) < MvccKeys.LATEST) {
                return List.of();
            }
            to = Bytes.wrap(java.util.Arrays.copyOfRange(end.get().unsafeArray(), 1, end.get().length()));
        }
        return ordered.range(from, to, reverse, limit);
    }

    /** As {@link #scanInner} over an unordered engine: the latest versions in range sorted and merged with the wrapped engine's records. */
    private void scanUnordered(ScanRange range, List<KeyValue> out) {
        java.util.Comparator<Map.Entry<Bytes, ?>> order = (x, y) -> x.getKey().compareTo(y.getKey());
        List<Map.Entry<Bytes, ?>> all = new ArrayList<>(latestIn(range));
        for (KeyValue kv : inner.scan(range)) {
            all.add(Map.entry(kv.key(), kv.value()));
        }
        all.sort(range.isReverse() ? order.reversed() : order);
        int n = range.limit() == 0 ? all.size() : Math.min(all.size(), range.limit());
        for (Map.Entry<Bytes, ?> e : all.subList(0, n)) {
            Object v = e.getValue();
            out.add(new KeyValue(e.getKey(), v instanceof VersionRecord r ? r.encode() : (Bytes) v));
        }
    }

    /**
     * The latest versions whose {@code 'k'} keys are in {@code range} (its limit and direction
     * ignored), by {@code 'k'} key, in no particular order. Caller holds the lock.
     */
    List<Map.Entry<Bytes, VersionRecord>> latestIn(ScanRange range) {
        List<Map.Entry<Bytes, VersionRecord>> out = new ArrayList<>();
        if (ordered != null) {
            for (Bytes userKey : orderedIn(range, false, 0)) {
                out.add(Map.entry(MvccKeys.latest(userKey), latest.get(userKey)));
            }
        } else {
            Optional<Bytes> end = range.end();
            latest.forEach((userKey, v) -> {
                if (compareLatest(userKey, range.start()) >= 0
                    && (end.isEmpty() || compareLatest(userKey, end.get()) < 0)) {
                    out.add(Map.entry(MvccKeys.latest(userKey), v));
                }
            });
        }
        return out;
    }

    /** How {@code userKey}'s {@code 'k'} key compares with {@code bound}, without making the key. */
    private static int compareLatest(Bytes userKey, Bytes bound) {
        if (bound.isEmpty()) {
            return 1;
        }
        int c = Integer.compare(MvccKeys.LATEST, bound.byteAt(0));
        return c != 0 ? c : java.util.Arrays.compareUnsigned(userKey.unsafeArray(), 0, userKey.length(),
            bound.unsafeArray(), 1, bound.length());
    }

    /** The indexes {@code [from, to)} of the history keys in {@code range}, ignoring its limit and direction. */
    int[] historyPart(ScanRange range) {
        Bytes from = max(range.start(), HISTORY_START);
        Bytes to = range.end().filter(e -> e.compareTo(HISTORY_END) < 0).orElse(HISTORY_END);
        if (from.compareTo(to) >= 0) {
            return new int[] {0, 0};
        }
        return new int[] {history.ceiling(from), history.ceiling(to)};
    }

    /** {@code range} cut to {@code [from, to)} (null: unbounded), its limit and direction kept; null if empty. */
    static ScanRange clip(ScanRange range, Bytes from, Bytes to) {
        Bytes start = from == null ? range.start() : max(range.start(), from);
        Optional<Bytes> end = range.end();
        if (to != null && (end.isEmpty() || end.get().compareTo(to) > 0)) {
            end = Optional.of(to);
        }
        if (end.isPresent() && start.compareTo(end.get()) >= 0) {
            return null;
        }
        ScanRange r = end.map(e -> ScanRange.between(start, e)).orElse(ScanRange.from(start)).withLimit(range.limit());
        return range.isReverse() ? r.reversed() : r;
    }

    private static Bytes max(Bytes a, Bytes b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
