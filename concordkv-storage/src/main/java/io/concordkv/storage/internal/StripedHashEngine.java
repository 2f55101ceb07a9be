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
 * The {@code hash} engine: a hash table split into a power-of-two number of segments, each a map
 * guarded by its own {@link StampedLock} (lock striping), so writes to different segments never
 * contend.
 *
 * <p>Writes, batches and scans take the segment locks; a point read is optimistic: it reads the
 * segment's map without locking and keeps the result only if no writer held or took the segment's
 * lock meanwhile, else it retries under the read lock. So a read never observes a batch in
 * progress (a batch write-locks all its segments before its first change and releases them after
 * its last), and uncontended reads cost no atomic write. The per-segment map is a
 * {@link ConcurrentHashMap} only because an optimistic reader may run beside a writer: it must
 * not fail or loop while the map changes. Its own locking is uncontended here, since writers
 * already hold the segment lock.
 *
 * <p>A key's segment comes from the top bits of its mixed hash, leaving the low bits, which the
 * map uses for its buckets, uncorrelated with the segment.
 *
 * <p>Unordered: {@link #scan(ScanRange)} read-locks every segment (in ascending order, as batches
 * lock theirs, so neither can deadlock), copies the entries inside the range, and sorts them:
 * O(n + m log m) for n keys and m matches. Correct and atomic, but meant for occasional use.
 * Thread-safe.
 */
public final class StripedHashEngine implements StorageEngine {
    private final Segment[] segments;
    private final int shift;

    public StripedHashEngine(int segmentCount) {
        if (Integer.bitCount(segmentCount) != 1) {
            throw new IllegalArgumentException("segment count must be a power of two: " + segmentCount);
        }
        segments = new Segment[segmentCount];
        for (int i = 0; i < segmentCount; i++) {
            segments[i] = new Segment();
        }
        shift = 32 - Integer.numberOfTrailingZeros(segmentCount);
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
        Segment s = segments[segmentOf(key)];
        long stamp = s.lock.tryOptimisticRead();
        if (stamp != 0) {
            Bytes value = s.map.get(key);
            if (s.lock.validate(stamp)) {
                return Optional.ofNullable(value);
            }
        }
        stamp = s.lock.readLock();
        try {
            return Optional.ofNullable(s.map.get(key));
        } finally {
            s.lock.unlockRead(stamp);
        }
    }

    @Override
    public void put(Bytes key, Bytes value) {
        Segment s = segments[segmentOf(key)];
        long stamp = s.lock.writeLock();
        try {
            s.put(key, value);
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    @Override
    public void delete(Bytes key) {
        Segment s = segments[segmentOf(key)];
        long stamp = s.lock.writeLock();
        try {
            s.remove(key);
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        boolean[] touched = new boolean[segments.length];
        for (WriteBatch.Op op : batch.ops()) {
            touched[segmentOf(op.key())] = true;
        }
        long[] stamps = new long[segments.length];
        for (int i = 0; i < segments.length; i++) {
            if (touched[i]) {
                stamps[i] = segments[i].lock.writeLock();
            }
        }
        try {
            for (WriteBatch.Op op : batch.ops()) {
                Segment s = segments[segmentOf(op.key())];
                if (op instanceof WriteBatch.Put put) {
                    s.put(put.key(), put.value());
                } else {
                    s.remove(op.key());
                }
            }
        } finally {
            for (int i = segments.length - 1; i >= 0; i--) {
                if (touched[i]) {
                    segments[i].lock.unlockWrite(stamps[i]);
                }
            }
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        List<KeyValue> matches = new ArrayList<>();
        long[] stamps = new long[segments.length];
        for (int i = 0; i < segments.length; i++) {
            stamps[i] = segments[i].lock.readLock();
        }
        try {
            for (Segment s : segments) {
                for (Map.Entry<Bytes, Bytes> e : s.map.entrySet()) {
                    if (range.contains(e.getKey())) {
                        matches.add(new KeyValue(e.getKey(), e.getValue()));
                    }
                }
            }
        } finally {
            for (int i = segments.length - 1; i >= 0; i--) {
                segments[i].lock.unlockRead(stamps[i]);
            }
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
        long keys = 0;
        long bytes = 0;
        for (Segment s : segments) {
            long stamp = s.lock.readLock();
            try {
                keys += s.map.size();
                bytes += s.dataBytes;
            } finally {
                s.lock.unlockRead(stamp);
            }
        }
        return new EngineStats(keys, bytes);
    }

    @Override
    public void close() {
        for (Segment s : segments) {
            long stamp = s.lock.writeLock();
            try {
                s.map.clear();
                s.dataBytes = 0;
            } finally {
                s.lock.unlockWrite(stamp);
            }
        }
    }

    private int segmentOf(Bytes key) {
        if (shift == 32) {
            return 0;
        }
        return (key.hashCode() * 0x9E3779B9) >>> shift;
    }

    /** One stripe: a map and the lock that guards it and its byte count. */
    private static final class Segment {
        final StampedLock lock = new StampedLock();
        final ConcurrentHashMap<Bytes, Bytes> map = new ConcurrentHashMap<>();
        long dataBytes;

        void put(Bytes key, Bytes value) {
            Bytes old = map.put(key, value);
            dataBytes += old == null ? key.length() + value.length() : value.length() - old.length();
        }

        void remove(Bytes key) {
            Bytes old = map.remove(key);
            if (old != null) {
                dataBytes -= key.length() + old.length();
            }
        }
    }
}
