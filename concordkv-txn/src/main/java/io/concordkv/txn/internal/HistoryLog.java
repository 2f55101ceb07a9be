package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import java.util.function.BiConsumer;

/**
 * The history versions of a {@link VersionedEngine}, sorted by history key in one circular array.
 * History keys sort by the revision that replaced a version ({@link MvccKeys#history}), so commits
 * add at the end and history compaction removes from the start, each in constant time; a key that
 * belongs elsewhere (a transaction's keys within its revision, a restore, a log replay) is put in
 * place by binary search, moving the shorter side of the array. A skip list, used before, cost a
 * commit several cache misses and allocations per version, and compaction as many again.
 *
 * <p>Not thread-safe: the engine reads it under its lock's read side and changes it under the
 * write side.
 */
final class HistoryLog {
    private static final int MIN_CAPACITY = 16;

    private Bytes[] keys = new Bytes[MIN_CAPACITY];
    private VersionRecord[] values = new VersionRecord[MIN_CAPACITY];
    /** Slot of the first entry; entries are at head, head + 1, ... modulo the capacity. */
    private int head;
    private int size;

    int size() {
        return size;
    }

    private int slot(int index) {
        return (head + index) & (keys.length - 1);
    }

    Bytes keyAt(int index) {
        return keys[slot(index)];
    }

    VersionRecord valueAt(int index) {
        return values[slot(index)];
    }

    /** The index of {@code key}, or {@code -(insertion point) - 1} when absent. */
    int find(Bytes key) {
        if (size > 0 && key.compareTo(keyAt(size - 1)) > 0) {
            return -size - 1;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = keyAt(mid).compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** The index of the first key at or above {@code key} (size when none). */
    int ceiling(Bytes key) {
        int i = find(key);
        return i >= 0 ? i : -i - 1;
    }

    VersionRecord get(Bytes key) {
        int i = find(key);
        return i >= 0 ? valueAt(i) : null;
    }

    /** Puts {@code value} under {@code key}; returns the value it replaced, or null. */
    VersionRecord put(Bytes key, VersionRecord value) {
        int i = find(key);
        if (i >= 0) {
            int s = slot(i);
            VersionRecord old = values[s];
            values[s] = value;
            return old;
        }
        insert(-i - 1, key, value);
        return null;
    }

    private void insert(int index, Bytes key, VersionRecord value) {
        if (size == keys.length) {
            resize(keys.length * 2);
        }
        int mask = keys.length - 1;
        if (index < size / 2) {
            // move the entries before it one slot down
            head = (head - 1) & mask;
            for (int j = 0; j < index; j++) {
                move(slot(j + 1), slot(j));
            }
        } else {
            for (int j = size; j > index; j--) {
                move(slot(j - 1), slot(j));
            }
        }
        int s = slot(index);
        keys[s] = key;
        values[s] = value;
        size++;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        values[to] = values[from];
    }

    /** Removes the entry under {@code key}; returns its value, or null if there was none. */
    VersionRecord remove(Bytes key) {
        int i = find(key);
        if (i < 0) {
            return null;
        }
        VersionRecord old = valueAt(i);
        removeRange(i, i + 1, null);
        return old;
    }

    /**
     * Removes the entries at indexes {@code [from, to)}, telling {@code removed} (if not null) of
     * each first.
     */
    void removeRange(int from, int to, BiConsumer<Bytes, VersionRecord> removed) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        for (int j = from; j < to; j++) {
            int s = slot(j);
            if (removed != null) {
                removed.accept(keys[s], values[s]);
            }
        }
        if (from < size - to) {
            // close the gap from below: the entries before it move up
            for (int j = from - 1; j >= 0; j--) {
                move(slot(j), slot(j + n));
            }
            for (int j = 0; j < n; j++) {
                clear(slot(j));
            }
            head = slot(n);
        } else {
            for (int j = to; j < size; j++) {
                move(slot(j), slot(j - n));
            }
            for (int j = size - n; j < size; j++) {
                clear(slot(j));
            }
        }
        size -= n;
        // shrink only well below the capacity: retained history swings by the revisions written
        // between two compactions, and a quarter would have it grow and shrink on every swing
        if (keys.length > MIN_CAPACITY && size < keys.length / 8) {
            resize(Math.max(MIN_CAPACITY, keys.length / 2));
        }
    }

    private void clear(int s) {
        keys[s] = null;
        values[s] = null;
    }

    void clear() {
        keys = new Bytes[MIN_CAPACITY];
        values = new VersionRecord[MIN_CAPACITY];
        head = 0;
        size = 0;
    }

    private void resize(int capacity) {
        Bytes[] k = new Bytes[capacity];
        VersionRecord[] v = new VersionRecord[capacity];
        for (int j = 0; j < size; j++) {
            k[j] = keyAt(j);
            v[j] = valueAt(j);
        }
        keys = k;
        values = v;
        head = 0;
    }
}
