package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A sorted array with binary search: two parallel arrays of keys and values kept in key order.
 * Lookups are O(log n) over contiguous memory; an insert or delete moves the tail of the arrays,
 * O(n), so this engine suits small or read-mostly data sets. Thread-safe under one read-write lock.
 */
public final class ArrayEngine implements StorageEngine {
    private static final int INITIAL_CAPACITY = 16;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private Bytes[] keys = new Bytes[INITIAL_CAPACITY];
    private Bytes[] values = new Bytes[INITIAL_CAPACITY];
    private int size;
    private long dataBytes;

    @Override
    public String name() {
        return "array";
    }

    @Override
    public boolean isOrdered() {
        return true;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        lock.readLock().lock();
        try {
            int i = indexOf(key);
            return i >= 0 ? Optional.of(values[i]) : Optional.empty();
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
            int from = insertionPoint(range.start());
            int to = range.end().map(this::insertionPoint).orElse(size);
            int count = to - from;
            if (range.limit() > 0) {
                count = Math.min(count, range.limit());
            }
            List<KeyValue> out = new ArrayList<>(Math.max(count, 0));
            for (int n = 0; n < count; n++) {
                int i = range.isReverse() ? to - 1 - n : from + n;
                out.add(new KeyValue(keys[i], values[i]));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public EngineStats stats() {
        lock.readLock().lock();
        try {
            return new EngineStats(size, dataBytes);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            keys = new Bytes[0];
            values = new Bytes[0];
            size = 0;
            dataBytes = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void putLocked(Bytes key, Bytes value) {
        int i = indexOf(key);
        if (i >= 0) {
            dataBytes += value.length() - values[i].length();
            values[i] = value;
            return;
        }
        int at = -(i + 1);
        if (size == keys.length) {
            int capacity = Math.max(INITIAL_CAPACITY, keys.length + (keys.length >> 1));
            keys = Arrays.copyOf(keys, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        System.arraycopy(keys, at, keys, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        keys[at] = key;
        values[at] = value;
        size++;
        dataBytes += key.length() + value.length();
    }

    private void deleteLocked(Bytes key) {
        int i = indexOf(key);
        if (i < 0) {
            return;
        }
        dataBytes -= key.length() + values[i].length();
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        keys[size] = null;
        values[size] = null;
    }

    /** Index of {@code key}, or {@code -(insertion point) - 1} when absent. */
    private int indexOf(Bytes key) {
        return Arrays.binarySearch(keys, 0, size, key);
    }

    /** Index of the first key at or after {@code key}. */
    private int insertionPoint(Bytes key) {
        int i = indexOf(key);
        return i >= 0 ? i : -(i + 1);
    }
}
