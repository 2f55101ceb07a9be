package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * The {@code hash} engine: one hash table guarded by a power-of-two number of lock stripes. A key
 * belongs to the stripe given by the top bits of its mixed hash; a write takes its stripe's write
 * lock, so writes to different stripes never contend.
 *
 * <p>A point read is optimistic: it reads the table without locking and keeps the result only if
 * its stripe's lock was neither held nor taken meanwhile, else it retries under the read lock. So
 * a read never observes a batch in progress (a batch write-locks all its stripes, in ascending
 * order, before its first change and releases them after its last), and an uncontended read
 * writes no shared memory. The table is a {@link ConcurrentHashMap} because optimistic readers run
 * beside writers and must not fail or loop while it changes; its own bin locks are uncontended,
 * since writers of one key already hold the key's stripe.
 *
 * <p>Unordered: {@link #scan(ScanRange)} read-locks every stripe (in ascending order, as batches
 * do, so neither can deadlock), copies the entries inside the range, and sorts them: O(n + m log m)
 * for n keys and m matches. Correct and atomic, but meant for occasional use. Thread-safe.
 */
public final class StripedHashEngine implements StorageEngine {
    private final ConcurrentHashMap<Bytes, Bytes> table = new ConcurrentHashMap<>();
    private final StampedLock[] stripes;
    /**
     * Per stripe, at index {@code stripe * PAD}: bytes of keys and values, guarded by the stripe's
     * write lock. Padded so that writers of different stripes do not share a cache line.
     */
    private final long[] stripeBytes;
    private static final int PAD = 8;
    private final int shift;

    public StripedHashEngine(int stripeCount) {
        if (Integer.bitCount(stripeCount) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two: " + stripeCount);
        }
        stripes = new StampedLock[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new StampedLock();
        }
        stripeBytes = new long[stripeCount * PAD];
        shift = 32 - Integer.numberOfTrailingZeros(stripeCount);
    }

    @Override
    public String name() {
        return "hash";
    }

    @Override
    public boolean isOrdered() {
        return false;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        StampedLock lock = stripes[stripeOf(key)];
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            Bytes value = table.get(key);
            if (lock.validate(stamp)) {
                return Optional.ofNullable(value);
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
        int stripe = stripeOf(key);
        long stamp = stripes[stripe].writeLock();
        try {
            putLocked(stripe, key, value);
        } finally {
            stripes[stripe].unlockWrite(stamp);
        }
    }

    @Override
    public void delete(Bytes key) {
        int stripe = stripeOf(key);
        long stamp = stripes[stripe].writeLock();
        try {
            deleteLocked(stripe, key);
        } finally {
            stripes[stripe].unlockWrite(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        boolean[] touched = new boolean[stripes.length];
        for (WriteBatch.Op op : batch.ops()) {
            touched[stripeOf(op.key())] = true;
        }
        long[] stamps = new long[stripes.length];
        for (int i = 0; i < stripes.length; i++) {
            if (touched[i]) {
                stamps[i] = stripes[i].writeLock();
            }
        }
        try {
            for (WriteBatch.Op op : batch.ops()) {
                int stripe = stripeOf(op.key());
                if (op instanceof WriteBatch.Put put) {
                    putLocked(stripe, put.key(), put.value());
                } else {
                    deleteLocked(stripe, op.key());
                }
            }
        } finally {
            for (int i = stripes.length - 1; i >= 0; i--) {
                if (touched[i]) {
                    stripes[i].unlockWrite(stamps[i]);
                }
            }
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        List<KeyValue> matches = new ArrayList<>();
        long[] stamps = lockAllForRead();
        try {
            for (Map.Entry<Bytes, Bytes> e : table.entrySet()) {
                if (range.contains(e.getKey())) {
                    matches.add(new KeyValue(e.getKey(), e.getValue()));
                }
            }
        } finally {
            unlockAllRead(stamps);
        }
        Comparator<KeyValue> order = Comparator.comparing(KeyValue::key);
        matches.sort(range.isReverse() ? order.reversed() : order);
        if (range.limit() > 0 && matches.size() > range.limit()) {
            return new ArrayList<>(matches.subList(0, range.limit()));
        }
        return matches;
    }

    @Override
    public EngineStats stats() {
        long[] stamps = lockAllForRead();
        try {
            long bytes = 0;
            for (long b : stripeBytes) {
                bytes += b;
            }
            return new EngineStats(table.size(), bytes);
        } finally {
            unlockAllRead(stamps);
        }
    }

    @Override
    public void close() {
        long[] stamps = new long[stripes.length];
        for (int i = 0; i < stripes.length; i++) {
            stamps[i] = stripes[i].writeLock();
        }
        table.clear();
        java.util.Arrays.fill(stripeBytes, 0);
        for (int i = stripes.length - 1; i >= 0; i--) {
            stripes[i].unlockWrite(stamps[i]);
        }
    }

    private long[] lockAllForRead() {
        long[] stamps = new long[stripes.length];
        for (int i = 0; i < stripes.length; i++) {
            stamps[i] = stripes[i].readLock();
        }
        return stamps;
    }

    private void unlockAllRead(long[] stamps) {
        for (int i = stripes.length - 1; i >= 0; i--) {
            stripes[i].unlockRead(stamps[i]);
        }
    }

    /** Caller holds the stripe's write lock. */
    private void putLocked(int stripe, Bytes key, Bytes value) {
        Bytes old = table.put(key, value);
        stripeBytes[stripe * PAD] += old == null ? key.length() + value.length() : value.length() - old.length();
    }

    /** Caller holds the stripe's write lock. */
    private void deleteLocked(int stripe, Bytes key) {
        Bytes old = table.remove(key);
        if (old != null) {
            stripeBytes[stripe * PAD] -= key.length() + old.length();
        }
    }

    private int stripeOf(Bytes key) {
        if (shift == 32) {
            return 0;
        }
        return (key.hashCode() * 0x9E3779B9) >>> shift;
    }
}
