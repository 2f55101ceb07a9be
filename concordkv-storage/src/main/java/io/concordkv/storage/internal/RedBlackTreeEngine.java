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
 * The {@code rbtree} engine: a {@link RedBlackTree} under one read-write lock, so readers proceed
 * in parallel and a batch is applied while no reader can look. O(log n) for every point operation,
 * ordered scans by walking the tree. Thread-safe.
 */
public final class RedBlackTreeEngine implements StorageEngine {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final RedBlackTree tree = new RedBlackTree();
    private long dataBytes;

    @Override
    public String name() {
        return "rbtree";
    }

    @Override
    public boolean isOrdered() {
        return true;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(tree.get(key));
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
            return tree.scan(range);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public EngineStats stats() {
        lock.readLock().lock();
        try {
            return new EngineStats(tree.size(), dataBytes);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            tree.clear();
            dataBytes = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void putLocked(Bytes key, Bytes value) {
        Bytes old = tree.put(key, value);
        dataBytes += old == null ? key.length() + value.length() : value.length() - old.length();
    }

    private void deleteLocked(Bytes key) {
        Bytes old = tree.remove(key);
        if (old != null) {
            dataBytes -= key.length() + old.length();
        }
    }
}
