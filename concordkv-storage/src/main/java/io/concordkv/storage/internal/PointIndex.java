package io.concordkv.storage.internal;

/**
 * The red-black tree's point index: its nodes by key hash, in an open-addressing table with linear
 * probing, kept at most half full. A get, or a put that overwrites, finds its node here in one or
 * two cache misses instead of one per level of the tree (about 17 at 100k keys); the tree still
 * holds the order for scans, and inserts and deletes change both. Redis pairs a dict with the
 * skiplist of its sorted sets for the same reason.
 *
 * <p>Each slot's hash sits in an {@code int} array beside the node array, so a probe past another
 * key's slot reads four contiguous bytes instead of that key's node (a cache miss of its own): a
 * look-up touches a node only when its hash matches, and an insert or delete none but its own.
 * Hash 0 marks an empty slot; {@link #hash} never returns it.
 *
 * <p>Not thread-safe, like the tree: writers hold the engine's write lock. {@link #find} may also
 * run without any lock while a writer changes the table (the optimistic reads of
 * {@link RedBlackTree#getRacy}); it then stops after one pass over the table at most, and the
 * caller keeps its answer only if no writer ran.
 */
final class PointIndex {
    private static final int MIN_CAPACITY = 16;

    /** The two arrays, replaced together, so that a racing reader never pairs arrays of two sizes. */
    private static final class Table {
        final int[] hashes;
        final RedBlackTree.Node[] nodes;

        Table(int capacity) {
            hashes = new int[capacity];
            nodes = new RedBlackTree.Node[capacity];
        }
    }

    private Table table = new Table(MIN_CAPACITY);
    private int size;

    /**
     * The index's hash of {@code key}: its {@link io.concordkv.api.Bytes#hashCode}, which the key
     * caches (a key object used again is not read again), spread so that the low bits, which pick
     * the slot, depend on all of it; never 0, which marks an empty slot. Keys chosen to collide
     * slow their own operations down (as with the {@code hash} engine), never make them wrong.
     */
    static int hash(io.concordkv.api.Bytes key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h == 0 ? 1 : h;
    }

    /** The node holding {@code key} (whose {@link #hash} is {@code hash}), or null. */
    RedBlackTree.Node find(io.concordkv.api.Bytes key, int hash) {
        Table t = table;
        int[] hashes = t.hashes;
        RedBlackTree.Node[] nodes = t.nodes;
        int mask = hashes.length - 1;
        int i = hash & mask;
        for (int seen = 0; seen <= mask; seen++, i = (i + 1) & mask) {
            int h = hashes[i];
            if (h == 0) {
                return null;
            }
            if (h == hash) {
                RedBlackTree.Node n = nodes[i];
                if (n != null) {
                    io.concordkv.api.Bytes k = n.key;
                    if (k == key || k.equals(key)) {
                        return n;
                    }
                }
            }
        }
        return null;
    }

    /** Adds {@code node}, whose key is not in the index. */
    void add(RedBlackTree.Node node) {
        if (2 * (size + 1) > table.hashes.length) {
            resize(table.hashes.length * 2);
        }
        place(table, node);
        size++;
    }

    /** Removes {@code node} (by identity), found by its current hash. */
    void remove(RedBlackTree.Node node) {
        int[] hashes = table.hashes;
        RedBlackTree.Node[] nodes = table.nodes;
        int mask = hashes.length - 1;
        // backward-shift deletion: pull later members of the probe run into the gap when their
        // home slot is not between the gap and where they sit
        int gap = slotOf(node);
        for (int j = (gap + 1) & mask; hashes[j] != 0; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            boolean stays = gap <= j ? gap < home && home <= j : gap < home || home <= j;
            if (!stays) {
                nodes[gap] = nodes[j];
                hashes[gap] = hashes[j];
                gap = j;
            }
        }
        hashes[gap] = 0;
        nodes[gap] = null;
        size--;
        if (hashes.length > MIN_CAPACITY && 8 * size < hashes.length) {
            resize(hashes.length / 2);
        }
    }

    /** {@code from} is leaving the tree and {@code to} takes over its entry: the slot changes hands. */
    void moveTo(RedBlackTree.Node from, RedBlackTree.Node to) {
        table.nodes[slotOf(from)] = to;
    }

    /** The slot holding {@code node} (by identity), found by its current hash. */
    private int slotOf(RedBlackTree.Node node) {
        RedBlackTree.Node[] nodes = table.nodes;
        int mask = nodes.length - 1;
        int i = node.hash & mask;
        while (nodes[i] != node) {
            if (nodes[i] == null) {
                throw new IllegalStateException("node missing from the point index");
            }
            i = (i + 1) & mask;
        }
        return i;
    }

    int size() {
        return size;
    }

    void clear() {
        table = new Table(MIN_CAPACITY);
        size = 0;
    }

    /** A new table (published only once filled, for lock-free readers) holding every node. */
    private void resize(int capacity) {
        Table next = new Table(capacity);
        for (RedBlackTree.Node n : table.nodes) {
            if (n != null) {
                place(next, n);
            }
        }
        table = next;
    }

    private static void place(Table t, RedBlackTree.Node node) {
        int mask = t.hashes.length - 1;
        int i = node.hash & mask;
        while (t.hashes[i] != 0) {
            i = (i + 1) & mask;
        }
        t.nodes[i] = node;
        t.hashes[i] = node.hash;
    }
}
