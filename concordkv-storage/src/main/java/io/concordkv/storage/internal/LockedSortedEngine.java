package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.StampedLock;

/**
 * An ordered in-memory engine: a {@link SortedTable} under one {@link StampedLock}. Writes and
 * batches hold it exclusively (which makes batches atomic); scans hold it in read mode (which makes
 * them consistent). Point reads are optimistic: they search the table without locking and keep the
 * answer only if no writer took the lock meanwhile, else they search again under the read lock, so
 * a read costs no atomic write to shared memory and never sees half a batch. Keeps the byte count
 * of keys and values. Thread-safe.
 */
public final class LockedSortedEngine implements StorageEngine {
    private final String name;
    private final SortedTable table;
    private final StampedLock lock = new StampedLock();
    /** Guarded by the write lock. */
    private long dataBytes;

    private LockedSortedEngine(String name, SortedTable table) {
        this.name = name;
        this.table = table;
    }

    /** The {@code array} engine: a sorted array with binary search. */
    public static StorageEngine sortedArray() {
        return new LockedSortedEngine("array", new SortedArray());
    }

    /**
     * The {@code rbtree} engine: a red-black tree, keeping keys that start with
     * {@code unindexedPrefix} (-1: none) out of its point index (see
     * {@link io.concordkv.storage.EngineConfig#unindexedPrefix}).
     */
    public static StorageEngine redBlackTree(int unindexedPrefix) {
        return new LockedSortedEngine("rbtree", new RedBlackTree(unindexedPrefix));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isOrdered() {
        return true;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                Bytes value = table.getRacy(key);
                if (lock.validate(stamp)) {
                    return Optional.ofNullable(value);
                }
            } catch (RuntimeException e) {
                if (lock.validate(stamp)) {
                    throw e;
                }
                // the table changed under the search; search again under the lock
            }
        }
        stamp = lock.readLock();
        try {
            return Optional.ofNullable(table.get(key));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public void put(Bytes key, Bytes value) {
        long stamp = lock.writeLock();
        try {
            putLocked(key, value);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public void delete(Bytes key) {
        long stamp = lock.writeLock();
        try {
            deleteLocked(key);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        long stamp = lock.writeLock();
        try {
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.Put put) {
                    putLocked(put.key(), put.value());
                } else if (op instanceof WriteBatch.DeleteRange range) {
                    for (KeyValue kv : table.removeRange(range.from(), range.to())) {
                        dataBytes -= kv.key().length() + kv.value().length();
                    }
                } else {
                    deleteLocked(op.key());
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        long stamp = lock.readLock();
        try {
            return table.scan(range);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public EngineStats stats() {
        long stamp = lock.readLock();
        try {
            return new EngineStats(table.size(), dataBytes);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public void close() {
        long stamp = lock.writeLock();
        try {
            table.clear();
            dataBytes = 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void putLocked(Bytes key, Bytes value) {
        Bytes old = table.put(key, value);
        dataBytes += old == null ? key.length() + value.length() : value.length() - old.length();
    }

    private void deleteLocked(Bytes key) {
        Bytes old = table.remove(key);
        if (old != null) {
            dataBytes -= key.length() + old.length();
        }
    }
}
