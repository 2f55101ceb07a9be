package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import java.util.ArrayList;
import java.util.List;

/**
 * A red-black tree from {@link Bytes} keys to {@link Bytes} values (the classic algorithm of
 * Cormen et al., with parent links), specialised for byte-string keys: each node carries the
 * first 24 bytes of its key as three big-endian {@code long}s, zero-padded. A search compares
 * those inline words first and looks at the key's byte array only when they tie and a key is
 * longer than 24 bytes, so a lookup touches one cache line per level instead of three (node, key object,
 * key array) as with {@code TreeMap<Bytes, Bytes>}. Point operations do not descend the tree at
 * all: a {@link PointIndex} finds a key's node by hash, so a get and an overwriting put cost one
 * or two cache misses; the tree keeps the order for scans and is walked by inserts and deletes.
 *
 * <p>Not thread-safe: {@link LockedSortedEngine} guards it with a read-write lock. Package-private
 * fields are read by the invariant checks in the tests.
 */
final class RedBlackTree implements SortedTable {
    private static final boolean RED = true;
    private static final boolean BLACK = false;
    private static final int INLINE_BYTES = 24;

    /**
     * One entry; {@code k0}/{@code k1}/{@code k2} are the zero-padded first 24 key bytes (24, not
     * 16: a 16-byte key behind a one-byte namespace prefix, as the MVCC layer stores them, still
     * compares inline). The key fields
     * change only when a deleted node with two children takes over its successor's entry.
     */
    static final class Node {
        Bytes key;
        long k0;
        long k1;
        long k2;
        /** The key's hash for the {@link PointIndex}. */
        int hash;
        Bytes value;
        Node left;
        Node right;
        Node parent;
        boolean color = BLACK;

        Node(Probe probe, int hash, Bytes value, Node parent) {
            this.key = probe.key;
            this.k0 = probe.k0;
            this.k1 = probe.k1;
            this.k2 = probe.k2;
            this.hash = hash;
            this.value = value;
            this.parent = parent;
        }
    }

    /** A search key with its inline words computed once. */
    private static final class Probe {
        final Bytes key;
        final long k0;
        final long k1;
        final long k2;

        Probe(Bytes key) {
            this.key = key;
            byte[] b = key.unsafeArray();
            this.k0 = word(b, 0);
            this.k1 = word(b, 8);
            this.k2 = word(b, 16);
        }

        int compareTo(Node n) {
            int c = Long.compareUnsigned(k0, n.k0);
            if (c != 0) {
                return c;
            }
            c = Long.compareUnsigned(k1, n.k1);
            if (c != 0) {
                return c;
            }
            c = Long.compareUnsigned(k2, n.k2);
            if (c != 0) {
                return c;
            }
            int myLength = key.length();
            int theirLength = n.key.length();
            if (myLength <= INLINE_BYTES && theirLength <= INLINE_BYTES) {
                return Integer.compare(myLength, theirLength);
            }
            return key.compareTo(n.key);
        }

        private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

        /** Bytes {@code from..from+7} of {@code b} as a big-endian word, zero-padded past its end. */
        private static long word(byte[] b, int from) {
            if (from + 8 <= b.length) {
                return (long) BIG_ENDIAN_LONG.get(b, from);
            }
            if (from >= b.length) {
                return 0;
            }
            long w = 0;
            for (int i = from; i < from + 8; i++) {
                w = (w << 8) | (i < b.length ? b[i] & 0xFF : 0);
            }
            return w;
        }
    }

    Node root;
    private int size;
    final PointIndex index = new PointIndex();
    /** Keys starting with this byte are left out of the point index (-1: none). */
    private final int unindexedPrefix;
    /** Most links a racy descent follows before giving up (a tree of 2^31 nodes is under 64 deep). */
    private static final int MAX_DESCENT = 128;

    RedBlackTree() {
        this(-1);
    }

    /**
     * A tree whose keys starting with {@code unindexedPrefix} (-1: none) are found by descending
     * the tree instead of through the point index: for a key range written once, in key order,
     * read by key rarely and dropped by range (the MVCC layer's history), where indexing each key
     * costs a cold miss on insert and another on removal and saves nothing.
     */
    RedBlackTree(int unindexedPrefix) {
        this.unindexedPrefix = unindexedPrefix;
    }

    /** Whether {@code key} is kept in the point index. */
    boolean indexed(Bytes key) {
        return unindexedPrefix < 0 || key.length() == 0 || key.byteAt(0) != unindexedPrefix;
    }

    /** {@code key}'s node, or null; a racy caller may get a wrong answer or an exception, never a loop. */
    private Node nodeOf(Bytes key) {
        if (indexed(key)) {
            return index.find(key, PointIndex.hash(key));
        }
        Probe probe = new Probe(key);
        Node n = root;
        for (int steps = 0; n != null; steps++) {
            if (steps == MAX_DESCENT) {
                throw new IllegalStateException("tree changed under a racy descent");
            }
            int c = probe.compareTo(n);
            if (c == 0) {
                return n;
            }
            n = c < 0 ? n.left : n.right;
        }
        return null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Bytes get(Bytes key) {
        Node n = nodeOf(key);
        return n == null ? null : n.value;
    }

    /** Stores {@code value}; returns the previous value or {@code null}. */
    @Override
    public Bytes put(Bytes key, Bytes value) {
        boolean indexed = indexed(key);
        int hash = indexed ? PointIndex.hash(key) : 0;
        Node existing = indexed ? index.find(key, hash) : null;
        if (existing != null) {
            Bytes old = existing.value;
            existing.value = value;
            return old;
        }
        Probe probe = new Probe(key);
        Node parent = null;
        Node n = root;
        int c = 0;
        while (n != null) {
            parent = n;
            c = probe.compareTo(n);
            if (c < 0) {
                n = n.left;
            } else if (c > 0) {
                n = n.right;
            } else {
                Bytes old = n.value;
                n.value = value;
                return old;
            }
        }
        Node added = new Node(probe, hash, value, parent);
        if (parent == null) {
            root = added;
        } else if (c < 0) {
            parent.left = added;
        } else {
            parent.right = added;
        }
        size++;
        if (indexed) {
            index.add(added);
        }
        fixAfterInsert(added);
        return null;
    }

    /** Removes {@code key}; returns its value or {@code null} when absent. */
    @Override
    public Bytes remove(Bytes key) {
        Node n = nodeOf(key);
        if (n == null) {
            return null;
        }
        Bytes old = n.value;
        deleteNode(n);
        size--;
        return old;
    }

    @Override
    public void clear() {
        root = null;
        size = 0;
        index.clear();
    }

    /**
     * Removes the range's nodes in order from its first: a node in hand needs no look-up in the
     * point index (a cold miss per key when removing by key), and the next one is its successor,
     * found before the unlinking (a node with two children takes its successor's entry and stays
     * in the tree, so it is the next one itself), not by a new descent from the root.
     */
    @Override
    public List<KeyValue> removeRange(Bytes from, Bytes to) {
        List<KeyValue> removed = new ArrayList<>();
        Node n = ceiling(new Probe(from));
        while (n != null && n.key.compareTo(to) < 0) {
            removed.add(new KeyValue(n.key, n.value));
            Node next = n.left != null && n.right != null ? n : successor(n);
            deleteNode(n);
            size--;
            n = next;
        }
        return removed;
    }

    /** Entries in {@code range}, honouring its direction and limit. */
    @Override
    public List<KeyValue> scan(ScanRange range) {
        int limit = range.limit() > 0 ? range.limit() : Integer.MAX_VALUE;
        List<KeyValue> out = new ArrayList<>(Math.min(limit, 16));
        if (range.isReverse()) {
            // not Optional.map: a null lower() must not fall through to last()
            Node n = range.end().isPresent() ? lower(new Probe(range.end().get())) : last();
            Probe start = new Probe(range.start());
            for (; n != null && out.size() < limit && start.compareTo(n) <= 0; n = predecessor(n)) {
                out.add(new KeyValue(n.key, n.value));
            }
        } else {
            Node n = ceiling(new Probe(range.start()));
            for (; n != null && out.size() < limit && !range.isPastEnd(n.key); n = successor(n)) {
                out.add(new KeyValue(n.key, n.value));
            }
        }
        return out;
    }

    /**
     * The point index's search is bounded by one pass over its table, and a descent for an
     * unindexed key by {@value #MAX_DESCENT} links, whatever a writer does meanwhile.
     */
    @Override
    public Bytes getRacy(Bytes key) {
        Node n = nodeOf(key);
        return n == null ? null : n.value;
    }

    /** The first node with key >= probe. */
    private Node ceiling(Probe probe) {
        Node n = root;
        Node best = null;
        while (n != null) {
            int c = probe.compareTo(n);
            if (c == 0) {
                return n;
            }
            if (c < 0) {
                best = n;
                n = n.left;
            } else {
                n = n.right;
            }
        }
        return best;
    }

    /** The last node with key < probe. */
    private Node lower(Probe probe) {
        Node n = root;
        Node best = null;
        while (n != null) {
            if (probe.compareTo(n) > 0) {
                best = n;
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return best;
    }

    private Node last() {
        Node n = root;
        while (n != null && n.right != null) {
            n = n.right;
        }
        return n;
    }

    private static Node successor(Node n) {
        if (n.right != null) {
            Node s = n.right;
            while (s.left != null) {
                s = s.left;
            }
            return s;
        }
        Node child = n;
        Node p = n.parent;
        while (p != null && child == p.right) {
            child = p;
            p = p.parent;
        }
        return p;
    }

    private static Node predecessor(Node n) {
        if (n.left != null) {
            Node s = n.left;
            while (s.right != null) {
                s = s.right;
            }
            return s;
        }
        Node child = n;
        Node p = n.parent;
        while (p != null && child == p.left) {
            child = p;
            p = p.parent;
        }
        return p;
    }

    private void fixAfterInsert(Node x) {
        x.color = RED;
        while (x != root && x.parent.color == RED) {
            Node p = x.parent;
            Node g = p.parent;
            boolean parentIsLeft = p == g.left;
            Node uncle = parentIsLeft ? g.right : g.left;
            if (colorOf(uncle) == RED) {
                p.color = BLACK;
                uncle.color = BLACK;
                g.color = RED;
                x = g;
                continue;
            }
            if (parentIsLeft && x == p.right) {
                x = p;
                rotateLeft(x);
            } else if (!parentIsLeft && x == p.left) {
                x = p;
                rotateRight(x);
            }
            x.parent.color = BLACK;
            x.parent.parent.color = RED;
            if (parentIsLeft) {
                rotateRight(x.parent.parent);
            } else {
                rotateLeft(x.parent.parent);
            }
        }
        root.color = BLACK;
    }

    /**
     * Unlinks {@code z}: a node with two children first takes its successor's entry (and its slot in
     * the point index).
     */
    private void deleteNode(Node z) {
        if (indexed(z.key)) {
            index.remove(z);
        }
        if (z.left != null && z.right != null) {
            Node s = successor(z);
            boolean successorIndexed = indexed(s.key);
            z.key = s.key;
            z.k0 = s.k0;
            z.k1 = s.k1;
            z.k2 = s.k2;
            z.hash = s.hash;
            z.value = s.value;
            if (successorIndexed) {
                index.moveTo(s, z);
            }
            z = s;
        }
        Node child = z.left != null ? z.left : z.right;
        if (child != null) {
            replace(z, child);
            if (z.color == BLACK) {
                fixAfterDelete(child);
            }
        } else if (z.parent == null) {
            root = null;
        } else {
            if (z.color == BLACK) {
                fixAfterDelete(z);
            }
            if (z.parent != null) {
                if (z == z.parent.left) {
                    z.parent.left = null;
                } else {
                    z.parent.right = null;
                }
                z.parent = null;
            }
        }
    }

    private void setParentLink(Node parent, Node oldChild, Node newChild) {
        if (parent == null) {
            root = newChild;
        } else if (parent.left == oldChild) {
            parent.left = newChild;
        } else {
            parent.right = newChild;
        }
    }

    private void replace(Node z, Node child) {
        child.parent = z.parent;
        setParentLink(z.parent, z, child);
        z.left = null;
        z.right = null;
        z.parent = null;
    }

    private void fixAfterDelete(Node x) {
        while (x != root && colorOf(x) == BLACK) {
            boolean isLeft = x == x.parent.left;
            Node sib = isLeft ? x.parent.right : x.parent.left;
            if (colorOf(sib) == RED) {
                sib.color = BLACK;
                x.parent.color = RED;
                rotate(x.parent, isLeft);
                sib = isLeft ? x.parent.right : x.parent.left;
            }
            Node near = isLeft ? sib.left : sib.right;
            Node far = isLeft ? sib.right : sib.left;
            if (colorOf(near) == BLACK && colorOf(far) == BLACK) {
                sib.color = RED;
                x = x.parent;
                continue;
            }
            if (colorOf(far) == BLACK) {
                near.color = BLACK;
                sib.color = RED;
                rotate(sib, !isLeft);
                sib = isLeft ? x.parent.right : x.parent.left;
                far = isLeft ? sib.right : sib.left;
            }
            sib.color = x.parent.color;
            x.parent.color = BLACK;
            far.color = BLACK;
            rotate(x.parent, isLeft);
            x = root;
        }
        x.color = BLACK;
    }

    private void rotate(Node n, boolean left) {
        if (left) {
            rotateLeft(n);
        } else {
            rotateRight(n);
        }
    }

    private void rotateLeft(Node p) {
        Node r = p.right;
        p.right = r.left;
        if (r.left != null) {
            r.left.parent = p;
        }
        r.parent = p.parent;
        setParentLink(p.parent, p, r);
        r.left = p;
        p.parent = r;
    }

    private void rotateRight(Node p) {
        Node l = p.left;
        p.left = l.right;
        if (l.right != null) {
            l.right.parent = p;
        }
        l.parent = p.parent;
        setParentLink(p.parent, p, l);
        l.right = p;
        p.parent = l;
    }

    private static boolean colorOf(Node n) {
        return n == null ? BLACK : n.color;
    }
}
