package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An ordered in-memory engine: a {@link SortedTable} under one read-write lock, so readers proceed
 * in parallel, and writes and batches run while no reader can look (which makes batches atomic and
 * scans consistent). Keeps the byte count of keys and values. Thread-safe.
 */
public final class LockedSortedEngine implements StorageEngine {
    private final String name;
    private final SortedTable table;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
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

    /** The {@code rbtree} engine: a red-black tree. */
    public static StorageEngine redBlackTree() {
        return new LockedSortedEngine("rbtree", new RedBlackTree());
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
        lock.readLock().lock();
        try {
            return Optional.ofNullable(table.get(key));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void put(Bytes key, Bytes value) {
        lock.writeLock().lock();
        try {
            putLocked(key, value);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void delete(Bytes key) {
        lock.writeLock().lock();
        try {
            deleteLocked(key);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void write(WriteBatch batch) {
        lock.writeLock().lock();
        try {
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.Put put) {
                    putLocked(put.key(), put.value());
                } else {
                    deleteLocked(op.key());
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        lock.readLock().lock();
        try {
            return table.scan(range);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public EngineStats stats() {
        lock.readLock().lock();
        try {
            return new EngineStats(table.size(), dataBytes);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            table.clear();
            dataBytes = 0;
        } finally {
            lock.writeLock().unlock();
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
