package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The user keys of a {@link VersionedEngine}'s latest versions in order (unsigned bytes, as
 * {@link Bytes#compareTo}), for the range scans of an engine over an ordered wrapped engine: sorted
 * arrays ("leaves") of at most {@value #LEAF} keys, themselves in order.
 *
 * <p>It keeps a copy of each key's bytes of its own (a 16-byte key: 32 bytes and a reference),
 * not the key objects of the engine's {@link LatestTable}, which it held until 2026-11-28: the
 * collector moves young objects in the order it reaches them, so the bytes of keys reached
 * through the index first were laid out in the index's order, away from the table's nodes that
 * every put reads beside them, and MVCC puts over {@code rbtree} ran 7–14% slower than with no
 * index, or with these copies (see {@code docs/BENCHMARKS.md}, "MVCC overhead in alternating
 * rounds").
 *
 * <p>Why not key mirrors in the wrapped engine (what it did before): they cost a tree node, a key
 * object and its bytes a key (a million keys over {@code rbtree}: 481 bytes a key of heap with
 * them, 372 with this index), and, allocated with the table's nodes, spread the nodes that every put
 * reads over twice the memory; MVCC puts over the {@code rbtree} engine ran about 15% slower than
 * over {@code hash}, which had no mirrors, for that alone.
 *
 * <p>Not thread-safe: the engine changes it under its write lock and reads it under its read lock.
 */
final class LatestIndex {
    static final int LEAF = 128;

    private static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    /** The leaves in order; never empty (one empty leaf when there are no keys). */
    private final List<byte[][]> leaves = new ArrayList<>();
    /** The number of keys in each leaf, by leaf position. */
    private int[] sizes = new int[16];
    private int size;

    LatestIndex() {
        clear();
    }

    int size() {
        return size;
    }

    void clear() {
        leaves.clear();
        leaves.add(new byte[LEAF][]);
        sizes = new int[16];
        size = 0;
    }

    /** Adds a copy of {@code userKey}, which it does not hold. */
    void add(Bytes userKey) {
        byte[] key = userKey.unsafeArray();
        int l = leafFor(key);
        byte[][] leaf = leaves.get(l);
        int n = sizes[l];
        int at = -search(leaf, n, key) - 1;
        if (at < 0) {
            throw new IllegalStateException("key already indexed: " + userKey);
        }
        if (n == LEAF) {
            // split in halves, the new key going into the half it belongs to
            byte[][] right = new byte[LEAF][];
            int half = LEAF / 2;
            System.arraycopy(leaf, half, right, 0, LEAF - half);
            Arrays.fill(leaf, half, LEAF, null);
            insertLeaf(l + 1, right, LEAF - half);
            sizes[l] = half;
            if (at > half) {
                l++;
                leaf = right;
                at -= half;
            }
            n = sizes[l];
        }
        System.arraycopy(leaf, at, leaf, at + 1, n - at);
        leaf[at] = key.clone();
        sizes[l] = n + 1;
        size++;
    }

    /** Removes {@code key}; returns whether it was held. */
    boolean remove(Bytes userKey) {
        byte[] key = userKey.unsafeArray();
        int l = leafFor(key);
        byte[][] leaf = leaves.get(l);
        int n = sizes[l];
        int at = search(leaf, n, key);
        if (at < 0) {
            return false;
        }
        System.arraycopy(leaf, at + 1, leaf, at, n - at - 1);
        leaf[n - 1] = null;
        sizes[l] = n - 1;
        size--;
        // keep leaves at least a quarter full: merge with a neighbour that has room
        if (sizes[l] < LEAF / 4 && leaves.size() > 1) {
            int left = l > 0 && sizes[l - 1] + sizes[l] <= LEAF ? l - 1
                : l + 1 < leaves.size() && sizes[l] + sizes[l + 1] <= LEAF ? l : -1;
            if (left >= 0) {
                byte[][] into = leaves.get(left);
                System.arraycopy(leaves.get(left + 1), 0, into, sizes[left], sizes[left + 1]);
                sizes[left] += sizes[left + 1];
                removeLeaf(left + 1);
            }
        }
        return true;
    }

    /**
     * The keys {@code k} with {@code from <= k < to} (null: unbounded), in order, or in reverse
     * order when {@code reverse}; at most {@code limit} of them (0: all). Each is a new key object
     * over the index's copy of the bytes.
     */
    List<Bytes> range(Bytes fromKey, Bytes toKey, boolean reverse, int limit) {
        byte[] from = fromKey == null ? null : fromKey.unsafeArray();
        byte[] to = toKey == null ? null : toKey.unsafeArray();
        List<Bytes> out = new ArrayList<>();
        if (!reverse) {
            int l = from == null ? 0 : leafFor(from);
            int i = from == null ? 0 : ceiling(leaves.get(l), sizes[l], from);
            for (; l < leaves.size(); l++, i = 0) {
                byte[][] leaf = leaves.get(l);
                for (; i < sizes[l]; i++) {
                    if (to != null && Arrays.compareUnsigned(leaf[i], to) >= 0
                        || limit > 0 && out.size() == limit) {
                        return out;
                    }
                    out.add(Bytes.wrap(leaf[i]));
                }
            }
            return out;
        }
        int l = to == null ? leaves.size() - 1 : leafFor(to);
        // the last key below the end: before its ceiling
        int i = (to == null ? sizes[l] : ceiling(leaves.get(l), sizes[l], to)) - 1;
        for (; l >= 0; l--, i = l >= 0 ? sizes[l] - 1 : -1) {
            byte[][] leaf = leaves.get(l);
            for (; i >= 0; i--) {
                if (from != null && Arrays.compareUnsigned(leaf[i], from) < 0
                    || limit > 0 && out.size() == limit) {
                    return out;
                }
                out.add(Bytes.wrap(leaf[i]));
            }
        }
        return out;
    }

    /** The leaf that holds, or would hold, {@code key}: the last whose first key is at or below it (the first leaf if none). */
    private int leafFor(byte[] key) {
        int lo = 1;
        int hi = leaves.size() - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(leaves.get(mid)[0], key) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** {@link Arrays#binarySearch}'s answer for {@code key} among the first {@code n} keys of {@code leaf}. */
    private static int search(byte[][] leaf, int n, byte[] key) {
        return Arrays.binarySearch(leaf, 0, n, key, ORDER);
    }

    /** The position of the first of the first {@code n} keys of {@code leaf} at or above {@code key} ({@code n} if none). */
    private static int ceiling(byte[][] leaf, int n, byte[] key) {
        int i = search(leaf, n, key);
        return i >= 0 ? i : -i - 1;
    }

    private void insertLeaf(int at, byte[][] leaf, int count) {
        leaves.add(at, leaf);
        if (leaves.size() > sizes.length) {
            sizes = Arrays.copyOf(sizes, sizes.length * 2);
        }
        System.arraycopy(sizes, at, sizes, at + 1, leaves.size() - 1 - at);
        sizes[at] = count;
    }

    private void removeLeaf(int at) {
        leaves.remove(at);
        System.arraycopy(sizes, at + 1, sizes, at, leaves.size() - at);
        sizes[leaves.size()] = 0;
    }
}
