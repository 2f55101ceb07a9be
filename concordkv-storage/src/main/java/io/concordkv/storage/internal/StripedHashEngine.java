package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.StampedLock;

/**
 * The {@code hash} engine: one chained hash table whose buckets are split among a power-of-two
 * number of stripes, each guarded by its own {@link StampedLock}. A key's mixed hash picks its
 * bucket by its top bits, and its stripe by the top bits of those, so each stripe owns a contiguous
 * run of buckets (the table never has fewer buckets than stripes) and a write takes only its
 * stripe's write lock: writes to different stripes never touch the same chain and never contend.
 * Growing the table takes every stripe's write lock, in ascending order.
 *
 * <p>A point read is optimistic: it walks its chain without locking and keeps the result only if
 * its stripe's lock was neither held nor taken meanwhile, else it retries under the read lock. So
 * a read never observes a batch in progress (a batch write-locks all its stripes, in ascending
 * order, before its first change and releases them after its last), and an uncontended read writes
 * no shared memory. The read finds its bucket from the table alone, without first loading a stripe,
 * so the lock word and the bucket are fetched side by side. An optimistic reader may run beside a
 * writer, so the table is built for it: a chain only ever gains nodes at its head and loses them by
 * linking a predecessor past them, so it never forms a cycle and a walk always ends; growing copies
 * the nodes into a new array instead of relinking the old ones; keys are final; a bucket's index
 * is computed from the length of the array it indexes. Whatever such a reader sees, it throws away
 * unless the validation proves no writer was there.
 *
 * <p>Unordered: {@link #scan(ScanRange)} read-locks every stripe (in ascending order, as batches
 * do, so neither can deadlock), copies the entries inside the range, and sorts them: O(n + m log m)
 * for n keys and m matches. Correct and atomic, but meant for occasional use. Thread-safe.
 *
 * <p>Unlike the other engines it makes the checks of {@link GuardedEngine} itself (key and value
 * limits, the closed state), so that a point read that finds its key skips them: a key the engine
 * holds passed them when it was written, and {@link #close()} empties the table after marking the
 * engine closed, so a read after close finds nothing and fails on the miss path. Only reads that
 * find nothing, and every write, pay for the checks.
 */
public final class StripedHashEngine implements StorageEngine {
    private static final int MIN_BUCKETS = 16;

    private final Stripe[] stripes;
    /** {@code 31 - log2(stripes)}: {@code (h >>> 1) >>> stripeShift} is the stripe, also for one stripe. */
    private final int stripeShift;
    private final EngineLimits limits;
    /** {@code limits.maxKeyBytes()}, so that a miss tests its key without loading the limits. */
    private final int maxKeyBytes;
    /** Replaced only with every stripe write-locked; its buckets change under their stripe's lock. */
    private Node[] table;
    private volatile boolean closed;

    public StripedHashEngine(int stripeCount, EngineLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.maxKeyBytes = limits.maxKeyBytes();
        if (Integer.bitCount(stripeCount) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two: " + stripeCount);
        }
        stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new Stripe();
        }
        stripeShift = 31 - Integer.numberOfTrailingZeros(stripeCount);
        table = emptyTable();
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
        Bytes value = key == null ? null : find(key);
        if (value == null && (closed || key == null || key.isEmpty() || key.length() > maxKeyBytes)) {
            GuardedEngine.ensureOpen(closed, this);
            limits.checkKey(key);
        }
        return Optional.ofNullable(value);
    }

    private Bytes find(Bytes key) {
        int h = mix(key);
        Stripe s = stripeOf(h);
        long stamp = s.tryOptimisticRead();
        if (stamp != 0) {
            Bytes value = find(table, h, key);
            if (s.validate(stamp)) {
                return value;
            }
        }
        stamp = s.readLock();
        try {
            return find(table, h, key);
        } finally {
            s.unlockRead(stamp);
        }
    }

    @Override
    public void put(Bytes key, Bytes value) {
        GuardedEngine.ensureOpen(closed, this);
        limits.checkKey(key);
        limits.checkValue(value);
        int h = mix(key);
        Stripe s = stripeOf(h);
        boolean grow;
        long stamp = s.writeLock();
        try {
            grow = put(s, h, key, value);
        } finally {
            s.unlockWrite(stamp);
        }
        if (grow) {
            grow();
        }
    }

    @Override
    public void delete(Bytes key) {
        GuardedEngine.ensureOpen(closed, this);
        limits.checkKey(key);
        int h = mix(key);
        Stripe s = stripeOf(h);
        long stamp = s.writeLock();
        try {
            remove(s, h, key);
        } finally {
            s.unlockWrite(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        GuardedEngine.ensureOpen(closed, this);
        limits.checkBatch(Objects.requireNonNull(batch, "batch"));
        List<WriteBatch.Op> ops = batch.ops();
        int[] hashes = new int[ops.size()];
        for (int i = 0; i < hashes.length; i++) {
            if (!(ops.get(i) instanceof WriteBatch.DeleteRange)) {
                hashes[i] = mix(ops.get(i).key());
            }
        }
        // the stripes to lock, in ascending order, each once: as many as the batch's keys touch
        // (a store's single put locks one, with nothing sized by the stripe count), or every
        // stripe for a range delete, which has no order to find its range by
        int[] locked;
        int count;
        if (batch.hasRangeDeletes()) {
            locked = new int[stripes.length];
            for (int i = 0; i < locked.length; i++) {
                locked[i] = i;
            }
            count = locked.length;
        } else {
            locked = new int[hashes.length];
            for (int i = 0; i < hashes.length; i++) {
                locked[i] = stripeIndex(hashes[i]);
            }
            Arrays.sort(locked);
            count = 0;
            for (int i = 0; i < locked.length; i++) {
                if (count == 0 || locked[count - 1] != locked[i]) {
                    locked[count++] = locked[i];
                }
            }
        }
        long[] stamps = new long[count];
        for (int i = 0; i < count; i++) {
            stamps[i] = stripes[locked[i]].writeLock();
        }
        boolean grow = false;
        try {
            for (int i = 0; i < hashes.length; i++) {
                WriteBatch.Op op = ops.get(i);
                if (op instanceof WriteBatch.DeleteRange range) {
                    removeRange(range);
                    continue;
                }
                Stripe s = stripeOf(hashes[i]);
                if (op instanceof WriteBatch.Put put) {
                    grow |= put(s, hashes[i], put.key(), put.value());
                } else {
                    remove(s, hashes[i], op.key());
                }
            }
        } finally {
            for (int i = count - 1; i >= 0; i--) {
                stripes[locked[i]].unlockWrite(stamps[i]);
            }
        }
        if (grow) {
            grow();
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        GuardedEngine.ensureOpen(closed, this);
        Objects.requireNonNull(range, "range");
        List<KeyValue> matches = new ArrayList<>();
        long[] stamps = lockAll(false);
        try {
            for (Node head : table) {
                for (Node n = head; n != null; n = n.next) {
                    if (range.contains(n.key)) {
                        matches.add(new KeyValue(n.key, n.value));
                    }
                }
            }
        } finally {
            unlockAll(stamps);
        }
        Comparator<KeyValue> order = Comparator.comparing(KeyValue::key);
        matches.sort(range.isReverse() ? order.reversed() : order);
        if (range.limit() > 0 && matches.size() > range.limit()) {
            return new ArrayList<>(matches.subList(0, range.limit()));
        }
        return matches;
    }

    @Override
    public void sync() {
        GuardedEngine.ensureOpen(closed, this);
    }

    @Override
    public EngineStats stats() {
        GuardedEngine.ensureOpen(closed, this);
        long[] stamps = lockAll(false);
        try {
            long count = 0;
            long bytes = 0;
            for (Stripe s : stripes) {
                count += s.size;
                bytes += s.bytes;
            }
            return new EngineStats(count, bytes);
        } finally {
            unlockAll(stamps);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long[] stamps = lockAll(true);
        table = emptyTable();
        for (Stripe s : stripes) {
            s.size = 0;
            s.bytes = 0;
        }
        unlockAll(stamps);
    }

    /** The table this engine starts with: two buckets per stripe, and at least {@code MIN_BUCKETS}. */
    private Node[] emptyTable() {
        return new Node[Math.max(MIN_BUCKETS, 2 * stripes.length)];
    }

    /**
     * Caller holds {@code s}'s write lock, {@code s} being the stripe of {@code h}. Returns whether the
     * table should grow: the stripe's buckets are now more than half full, and so is an eighth of the
     * table ({@link #needsGrowth}).
     */
    private boolean put(Stripe s, int h, Bytes key, Bytes value) {
        Node[] tab = table;
        int i = bucket(h, tab);
        for (Node n = tab[i]; n != null; n = n.next) {
            if (n.hash == h && n.holds(key)) {
                s.bytes += value.length() - n.value.length();
                n.value = value;
                return false;
            }
        }
        tab[i] = new Node(h, key, value, tab[i]);
        s.size++;
        s.bytes += key.length() + value.length();
        if (s.size <= halfShare(tab) || s.size < s.nextGrowthCheck) {
            return false;
        }
        if (needsGrowth(tab)) {
            return true;
        }
        // crowded, but the table as a whole is not: look again once this stripe has doubled, so
        // that summing every stripe's count stays rare however many stripes there are
        s.nextGrowthCheck = 2 * s.size;
        return false;
    }

    /** Caller holds {@code s}'s write lock, {@code s} being the stripe of {@code h}. */
    private void remove(Stripe s, int h, Bytes key) {
        Node[] tab = table;
        int i = bucket(h, tab);
        Node prev = null;
        for (Node n = tab[i]; n != null; prev = n, n = n.next) {
            if (n.hash == h && n.holds(key)) {
                unlink(tab, i, prev, n, s);
                return;
            }
        }
    }

    /** Caller holds every stripe's write lock: unlinks every key in {@code range}, visiting the whole table. */
    private void removeRange(WriteBatch.DeleteRange range) {
        Node[] tab = table;
        for (int i = 0; i < tab.length; i++) {
            Node prev = null;
            for (Node n = tab[i]; n != null; n = n.next) {
                if (!range.contains(n.key)) {
                    prev = n;
                    continue;
                }
                unlink(tab, i, prev, n, stripeOf(n.hash));
            }
        }
    }

    /**
     * Caller holds the write lock of {@code s}, the stripe of {@code n}: takes {@code n} (after
     * {@code prev}, or first) out of bucket {@code i}. {@code n.next} stays, for a reader on it.
     */
    private static void unlink(Node[] tab, int i, Node prev, Node n, Stripe s) {
        if (prev == null) {
            tab[i] = n.next;
        } else {
            prev.next = n.next;
        }
        s.size--;
        s.bytes -= n.key.length() + n.value.length();
    }

    /**
     * Doubles the table under every stripe's write lock, if a stripe is still more than half full and
     * the table an eighth full (another writer may have grown it first), copying every node so that
     * chains a reader may be walking stay intact.
     */
    private void grow() {
        long[] stamps = lockAll(true);
        try {
            Node[] old = table;
            boolean full = false;
            for (Stripe s : stripes) {
                full |= s.size > halfShare(old);
            }
            if (!full || !needsGrowth(old) || closed) {
                return;
            }
            Node[] tab = new Node[old.length * 2];
            for (Node head : old) {
                for (Node n = head; n != null; n = n.next) {
                    int i = bucket(n.hash, tab);
                    tab[i] = new Node(n.hash, n.key, n.value, tab[i]);
                }
            }
            table = tab;
        } finally {
            unlockAll(stamps);
        }
    }

    /**
     * Whether the whole table holds more than one key per eight buckets: the second condition for
     * growing, beside a stripe holding more than {@link #halfShare}. Without it, keys chosen to fall
     * into one stripe (a sixty-fourth of all keys do) would double the whole table every time that
     * stripe's count doubled, 128 buckets a key; with it, at most 16 buckets a key and chains of
     * eight to sixteen in the crowded stripe (a crowded stripe looks again only once it has doubled).
     * The other stripes' counts are read without their locks (an estimate) on the write path,
     * exactly under every lock in {@link #grow}.
     */
    private boolean needsGrowth(Node[] tab) {
        long keys = 0;
        for (Stripe s : stripes) {
            keys += s.size;
        }
        return keys > tab.length >>> 3;
    }

    /** Half the buckets each stripe owns in {@code tab}: a stripe with more keys makes the table grow. */
    private int halfShare(Node[] tab) {
        return tab.length >>> (32 - stripeShift);
    }

    /** Locks every stripe in ascending order, in write mode or read mode; returns the stamps. */
    private long[] lockAll(boolean write) {
        long[] stamps = new long[stripes.length];
        for (int i = 0; i < stripes.length; i++) {
            stamps[i] = write ? stripes[i].writeLock() : stripes[i].readLock();
        }
        return stamps;
    }

    /** Releases what {@link #lockAll} took, in descending order. */
    private void unlockAll(long[] stamps) {
        for (int i = stripes.length - 1; i >= 0; i--) {
            stripes[i].unlock(stamps[i]);
        }
    }

    /** The number of buckets, for tests. */
    int bucketCount() {
        return table.length;
    }

    /** The stripe {@code key} belongs to, for tests. */
    int stripeIndexOf(Bytes key) {
        return stripeIndex(mix(key));
    }

    private Stripe stripeOf(int h) {
        return stripes[stripeIndex(h)];
    }

    /** The top {@code log2(stripes)} bits of {@code h}; shifted in two steps so one stripe gives 0. */
    private int stripeIndex(int h) {
        return (h >>> 1) >>> stripeShift;
    }

    /**
     * The bucket of {@code h} in {@code tab}: the top {@code log2(tab.length)} bits of {@code h}, so
     * the buckets of a stripe are contiguous. Computed from the array it indexes, so a reader holding
     * an old table stays inside it.
     */
    private static int bucket(int h, Node[] tab) {
        return (h >>> 1) >>> (Integer.numberOfLeadingZeros(tab.length));
    }

    private static Bytes find(Node[] tab, int h, Bytes key) {
        for (Node n = tab[bucket(h, tab)]; n != null; n = n.next) {
            if (n.hash == h && n.holds(key)) {
                return n.value;
            }
        }
        return null;
    }

    /** The key's hash spread over all 32 bits, the top bits best mixed: they pick stripe and bucket. */
    private static int mix(Bytes key) {
        return key.hashCode() * 0x9E3779B9;
    }

    /**
     * One chain link. Only {@code value} and {@code next} change, under the stripe's write lock. The
     * key's bytes are referenced directly as well, so comparing with a probe key that is not the
     * stored object reads the node and the bytes, not the key object in between (a cache miss
     * fewer; the node stays 32 bytes).
     */
    private static final class Node {
        final int hash;
        final Bytes key;
        final byte[] keyBytes;
        Bytes value;
        Node next;

        Node(int hash, Bytes key, Bytes value, Node next) {
            this.hash = hash;
            this.key = key;
            this.keyBytes = key.unsafeArray();
            this.value = value;
            this.next = next;
        }

        /** Whether this node's key equals {@code probe} (whose hash the caller has matched). */
        boolean holds(Bytes probe) {
            return key == probe || Arrays.equals(keyBytes, probe.unsafeArray());
        }
    }

    /** A stripe's lock and the counts of its keys, which change only under its write lock. */
    @SuppressWarnings("serial")
    private static final class Stripe extends StampedLock {
        int size;
        long bytes;
        /** The size at which a stripe found crowded, in a table that was not, next asks to grow. */
        int nextGrowthCheck;
    }
}
