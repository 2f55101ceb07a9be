package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The user keys of a {@link VersionedEngine}'s latest versions in order (unsigned bytes, as
 * {@link Bytes#compareTo}), for the range scans of an engine over an ordered wrapped engine: sorted
 * arrays ("leaves") of at most {@value #LEAF} key references, themselves in order. It holds the key
 * objects of the engine's {@link LatestTable}, so a key costs a reference here and nothing more.
 *
 * <p>Why not key mirrors in the wrapped engine (what it did before): they cost a tree node, a key
 * object and its bytes a key (a million keys over {@code rbtree}: 481 bytes a key of heap with
 * them, 340 with this), and, allocated with the table's nodes, spread the nodes that every put
 * reads over twice the memory; MVCC puts over the {@code rbtree} engine ran about 15% slower than
 * over {@code hash}, which had no mirrors, for that alone.
 *
 * <p>Not thread-safe: the engine changes it under its write lock and reads it under its read lock.
 */
final class LatestIndex {
    static final int LEAF = 128;

    /** The leaves in order; never empty (one empty leaf when there are no keys). */
    private final List<Bytes[]> leaves = new ArrayList<>();
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
        leaves.add(new Bytes[LEAF]);
        sizes = new int[16];
        size = 0;
    }

    /** Adds {@code key}, which it does not hold. */
    void add(Bytes key) {
        int l = leafFor(key);
        Bytes[] leaf = leaves.get(l);
        int n = sizes[l];
        int at = -search(leaf, n, key) - 1;
        if (at < 0) {
            throw new IllegalStateException("key already indexed: " + key);
        }
        if (n == LEAF) {
            // split in halves, the new key going into the half it belongs to
            Bytes[] right = new Bytes[LEAF];
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
        leaf[at] = key;
        sizes[l] = n + 1;
        size++;
    }

    /** Removes {@code key}; returns whether it was held. */
    boolean remove(Bytes key) {
        int l = leafFor(key);
        Bytes[] leaf = leaves.get(l);
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
                Bytes[] into = leaves.get(left);
                System.arraycopy(leaves.get(left + 1), 0, into, sizes[left], sizes[left + 1]);
                sizes[left] += sizes[left + 1];
                removeLeaf(left + 1);
            }
        }
        return true;
    }

    /**
     * The keys {@code k} with {@code from <= k < to} (null: unbounded), in order, or in reverse
     * order when {@code reverse}; at most {@code limit} of them (0: all).
     */
    List<Bytes> range(Bytes from, Bytes to, boolean reverse, int limit) {
        List<Bytes> out = new ArrayList<>();
        if (!reverse) {
            int l = from == null ? 0 : leafFor(from);
            int i = from == null ? 0 : ceiling(leaves.get(l), sizes[l], from);
            for (; l < leaves.size(); l++, i = 0) {
                Bytes[] leaf = leaves.get(l);
                for (; i < sizes[l]; i++) {
                    if (to != null && leaf[i].compareTo(to) >= 0
                        || limit > 0 && out.size() == limit) {
                        return out;
                    }
                    out.add(leaf[i]);
                }
            }
            return out;
        }
        int l = to == null ? leaves.size() - 1 : leafFor(to);
        // the last key below the end: before its ceiling
        int i = (to == null ? sizes[l] : ceiling(leaves.get(l), sizes[l], to)) - 1;
        for (; l >= 0; l--, i = l >= 0 ? sizes[l] - 1 : -1) {
            Bytes[] leaf = leaves.get(l);
            for (; i >= 0; i--) {
                if (from != null && leaf[i].compareTo(from) < 0
                    || limit > 0 && out.size() == limit) {
                    return out;
                }
                out.add(leaf[i]);
            }
        }
        return out;
    }

    /** The leaf that holds, or would hold, {@code key}: the last whose first key is at or below it (the first leaf if none). */
    private int leafFor(Bytes key) {
        int lo = 1;
        int hi = leaves.size() - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (leaves.get(mid)[0].compareTo(key) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** {@link Arrays#binarySearch}'s answer for {@code key} among the first {@code n} keys of {@code leaf}. */
    private static int search(Bytes[] leaf, int n, Bytes key) {
        return Arrays.binarySearch(leaf, 0, n, key);
    }

    /** The position of the first of the first {@code n} keys of {@code leaf} at or above {@code key} ({@code n} if none). */
    private static int ceiling(Bytes[] leaf, int n, Bytes key) {
        int i = search(leaf, n, key);
        return i >= 0 ? i : -i - 1;
    }

    private void insertLeaf(int at, Bytes[] leaf, int count) {
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
