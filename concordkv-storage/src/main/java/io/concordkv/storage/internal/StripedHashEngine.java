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
import java.util.Optional;
import java.util.concurrent.locks.StampedLock;

/**
 * The {@code hash} engine: a power-of-two number of stripes, each its own chained hash table
 * guarded by its own {@link StampedLock}. A key belongs to the stripe given by the top bits of
 * its mixed hash and to the bucket given by the low bits; a write takes its stripe's write lock
 * (one lock acquisition per write, nothing shared between stripes), so writes to different stripes
 * never contend.
 *
 * <p>A point read is optimistic: it walks its stripe's table without locking and keeps the result
 * only if the stripe's lock was neither held nor taken meanwhile, else it retries under the read
 * lock. So a read never observes a batch in progress (a batch write-locks all its stripes, in
 * ascending order, before its first change and releases them after its last), and an uncontended
 * read writes no shared memory. An optimistic reader may run beside a writer of its stripe, so the
 * tables are built for it: a chain only ever gains nodes at its head and loses them by linking a
 * predecessor past them, so it never forms a cycle and a walk always ends; a resize copies the
 * nodes into a new array instead of relinking the old ones; keys are final. Whatever such a
 * reader sees, it throws away unless the validation proves no writer was there.
 *
 * <p>Unordered: {@link #scan(ScanRange)} read-locks every stripe (in ascending order, as batches
 * do, so neither can deadlock), copies the entries inside the range, and sorts them: O(n + m log m)
 * for n keys and m matches. Correct and atomic, but meant for occasional use. Thread-safe.
 */
public final class StripedHashEngine implements StorageEngine {
    private final Stripe[] stripes;
    private final int shift;
    private final int mask;

    public StripedHashEngine(int stripeCount) {
        if (Integer.bitCount(stripeCount) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two: " + stripeCount);
        }
        stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new Stripe();
        }
        shift = 32 - Integer.numberOfTrailingZeros(stripeCount);
        mask = stripeCount - 1;
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
        int h = mix(key);
        Stripe s = stripes[stripeIndex(h)];
        long stamp = s.tryOptimisticRead();
        if (stamp != 0) {
            Bytes value = s.find(h, key);
            if (s.validate(stamp)) {
                return Optional.ofNullable(value);
            }
        }
        stamp = s.readLock();
        try {
            return Optional.ofNullable(s.find(h, key));
        } finally {
            s.unlockRead(stamp);
        }
    }

    @Override
    public void put(Bytes key, Bytes value) {
        int h = mix(key);
        Stripe s = stripes[stripeIndex(h)];
        long stamp = s.writeLock();
        try {
            s.put(h, key, value);
        } finally {
            s.unlockWrite(stamp);
        }
    }

    @Override
    public void delete(Bytes key) {
        int h = mix(key);
        Stripe s = stripes[stripeIndex(h)];
        long stamp = s.writeLock();
        try {
            s.remove(h, key);
        } finally {
            s.unlockWrite(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        List<WriteBatch.Op> ops = batch.ops();
        int[] hashes = new int[ops.size()];
        boolean[] touched = new boolean[stripes.length];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = mix(ops.get(i).key());
            touched[stripeIndex(hashes[i])] = true;
        }
        long[] stamps = new long[stripes.length];
        for (int i = 0; i < stripes.length; i++) {
            if (touched[i]) {
                stamps[i] = stripes[i].writeLock();
            }
        }
        try {
            for (int i = 0; i < hashes.length; i++) {
                int h = hashes[i];
                Stripe s = stripes[stripeIndex(h)];
                if (ops.get(i) instanceof WriteBatch.Put put) {
                    s.put(h, put.key(), put.value());
                } else {
                    s.remove(h, ops.get(i).key());
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
            for (Stripe s : stripes) {
                for (Node head : s.buckets) {
                    for (Node n = head; n != null; n = n.next) {
                        if (range.contains(n.key)) {
                            matches.add(new KeyValue(n.key, n.value));
                        }
                    }
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
            long count = 0;
            long bytes = 0;
            for (Stripe s : stripes) {
                count += s.size;
                bytes += s.bytes;
            }
            return new EngineStats(count, bytes);
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
        for (Stripe s : stripes) {
            s.clear();
        }
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

    /**
     * The stripe of mixed hash {@code h}: its top bits ({@code & mask} for the one-stripe case,
     * where the shift is 32 and would keep every bit).
     */
    private int stripeIndex(int h) {
        return (h >>> shift) & mask;
    }

    /** The key's hash spread over all 32 bits: the top bits pick the stripe, all of them the bucket. */
    private static int mix(Bytes key) {
        return key.hashCode() * 0x9E3779B9;
    }

    /** One chain link. Only {@code value} and {@code next} change, under the stripe's write lock. */
    private static final class Node {
        final int hash;
        final Bytes key;
        Bytes value;
        Node next;

        Node(int hash, Bytes key, Bytes value, Node next) {
            this.hash = hash;
            this.key = key;
            this.value = value;
            this.next = next;
        }
    }

    /**
     * A stripe is its lock (by extension, so a read reaches the lock word and the table through one
     * reference) and a chained hash table whose fields change only under the write lock.
     */
    @SuppressWarnings("serial")
    private static final class Stripe extends StampedLock {
        private static final int INITIAL_BUCKETS = 16;

        Node[] buckets = new Node[INITIAL_BUCKETS];
        int size;
        long bytes;

        Bytes find(int h, Bytes key) {
            Node[] tab = buckets;
            for (Node n = tab[slot(h, tab.length)]; n != null; n = n.next) {
                if (n.hash == h && (n.key == key || n.key.equals(key))) {
                    return n.value;
                }
            }
            return null;
        }

        /** Caller holds the write lock. */
        void put(int h, Bytes key, Bytes value) {
            Node[] tab = buckets;
            int i = slot(h, tab.length);
            for (Node n = tab[i]; n != null; n = n.next) {
                if (n.hash == h && (n.key == key || n.key.equals(key))) {
                    bytes += value.length() - n.value.length();
                    n.value = value;
                    return;
                }
            }
            tab[i] = new Node(h, key, value, tab[i]);
            size++;
            bytes += key.length() + value.length();
            if (size > tab.length - (tab.length >>> 2)) {
                grow();
            }
        }

        /** Caller holds the write lock. */
        void remove(int h, Bytes key) {
            Node[] tab = buckets;
            int i = slot(h, tab.length);
            Node prev = null;
            for (Node n = tab[i]; n != null; prev = n, n = n.next) {
                if (n.hash == h && (n.key == key || n.key.equals(key))) {
                    if (prev == null) {
                        tab[i] = n.next;
                    } else {
                        prev.next = n.next;
                    }
                    size--;
                    bytes -= key.length() + n.value.length();
                    return;
                }
            }
        }

        /** Doubles the table, copying every node so that chains a reader may be walking stay intact. */
        private void grow() {
            Node[] old = buckets;
            Node[] tab = new Node[old.length * 2];
            for (Node head : old) {
                for (Node n = head; n != null; n = n.next) {
                    int i = slot(n.hash, tab.length);
                    tab[i] = new Node(n.hash, n.key, n.value, tab[i]);
                }
            }
            buckets = tab;
        }

        /**
         * The bucket of hash {@code h} in a table of {@code length} buckets: the low bits, with the
         * well-mixed high bits of the multiplicative hash folded in (the low bits of a product
         * depend only on the low bits of the key's own hash).
         */
        private static int slot(int h, int length) {
            return (h ^ (h >>> 16)) & (length - 1);
        }

        void clear() {
            buckets = new Node[INITIAL_BUCKETS];
            size = 0;
            bytes = 0;
        }
    }
}
