package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import java.util.List;

/**
 * An ordered in-memory map from keys to values with no locking of its own: the part that differs
 * between the {@code array} and {@code rbtree} engines. {@link LockedSortedEngine} adds the
 * locking, batches and byte accounting. Not thread-safe.
 */
interface SortedTable {

    /** The value under {@code key}, or {@code null}. */
    Bytes get(Bytes key);

    /**
     * {@link #get} for an optimistic reader that holds no lock: it may run while a writer changes
     * the table, and may then return a wrong answer or throw, but must finish in bounded time (no
     * endless loop on links caught mid-change). The caller keeps the answer only if no writer ran
     * meanwhile, and otherwise retries under the lock.
     */
    Bytes getRacy(Bytes key);

    /** Stores {@code value}; returns the previous value or {@code null}. */
    Bytes put(Bytes key, Bytes value);

    /** Removes {@code key}; returns its value or {@code null}. */
    Bytes remove(Bytes key);

    /** Removes every key in {@code [from, to)}; returns the entries removed, in key order. */
    List<KeyValue> removeRange(Bytes from, Bytes to);

    /** Entries in {@code range}, honouring its direction and limit. */
    List<KeyValue> scan(ScanRange range);

    int size();

    /** Removes everything and releases memory. */
    void clear();
}
