package io.concordkv.storage.internal;

/**
 * The red-black tree's point index: its nodes by key hash, in an open-addressing table with linear
 * probing, kept at most half full. A get, or a put that overwrites, finds its node here in one or
 * two cache misses instead of one per level of the tree (about 17 at 100k keys); the tree still
 * holds the order for scans, and inserts and deletes change both. Redis pairs a dict with the
 * skiplist of its sorted sets for the same reason.
 *
 * <p>Not thread-safe, like the tree: writers hold the engine's write lock. {@link #find} may also
 * run without any lock while a writer changes the table (the optimistic reads of
 * {@link RedBlackTree#getRacy}); it then stops after one pass over the table at most, and the
 * caller keeps its answer only if no writer ran.
 */
final class PointIndex {
    private static final int MIN_CAPACITY = 16;

    private RedBlackTree.Node[] slots = new RedBlackTree.Node[MIN_CAPACITY];
    private int size;

    /**
     * The index's hash of {@code key}: its {@link io.concordkv.api.Bytes#hashCode}, which the key
     * caches (a key object used again is not read again), spread so that the low bits, which pick
     * the slot, depend on all of it. Keys chosen to collide slow their own operations down (as with
     * the {@code hash} engine), never make them wrong.
     */
    static int hash(io.concordkv.api.Bytes key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        return h ^ (h >>> 13);
    }

    /** The node holding {@code key} (whose {@link #hash} is {@code hash}), or null. */
    RedBlackTree.Node find(io.concordkv.api.Bytes key, int hash) {
        RedBlackTree.Node[] table = slots;
        int mask = table.length - 1;
        int i = hash & mask;
        for (int seen = 0; seen <= mask; seen++, i = (i + 1) & mask) {
            RedBlackTree.Node n = table[i];
            if (n == null) {
                return null;
            }
            if (n.hash == hash) {
                io.concordkv.api.Bytes k = n.key;
                if (k == key || k.equals(key)) {
                    return n;
                }
            }
        }
        return null;
    }

    /** Adds {@code node}, whose key is not in the index. */
    void add(RedBlackTree.Node node) {
        if (2 * (size + 1) > slots.length) {
            resize(slots.length * 2);
        }
        place(slots, node);
        size++;
    }

    /** Removes {@code node} (by identity), found by its current hash. */
    void remove(RedBlackTree.Node node) {
        RedBlackTree.Node[] table = slots;
        int mask = table.length - 1;
        // backward-shift deletion: pull later members of the probe run into the gap when their
        // home slot is not between the gap and where they sit
        int gap = slotOf(node);
        for (int j = (gap + 1) & mask; table[j] != null; j = (j + 1) & mask) {
            int home = table[j].hash & mask;
            boolean stays = gap <= j ? gap < home && home <= j : gap < home || home <= j;
            if (!stays) {
                table[gap] = table[j];
                gap = j;
            }
        }
        table[gap] = null;
        size--;
        if (slots.length > MIN_CAPACITY && 8 * size < slots.length) {
            resize(slots.length / 2);
        }
    }

    /** {@code from} is leaving the tree and {@code to} takes over its entry: the slot changes hands. */
    void moveTo(RedBlackTree.Node from, RedBlackTree.Node to) {
        slots[slotOf(from)] = to;
    }

    /** The slot holding {@code node} (by identity), found by its current hash. */
    private int slotOf(RedBlackTree.Node node) {
        RedBlackTree.Node[] table = slots;
        int mask = table.length - 1;
        int i = node.hash & mask;
        while (table[i] != node) {
            if (table[i] == null) {
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
        slots = new RedBlackTree.Node[MIN_CAPACITY];
        size = 0;
    }

    /** A new table (published only once filled, for lock-free readers) holding every node. */
    private void resize(int capacity) {
        RedBlackTree.Node[] table = new RedBlackTree.Node[capacity];
        for (RedBlackTree.Node n : slots) {
            if (n != null) {
                place(table, n);
            }
        }
        slots = table;
    }

    private static void place(RedBlackTree.Node[] table, RedBlackTree.Node node) {
        int mask = table.length - 1;
        int i = node.hash & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = node;
    }
}
