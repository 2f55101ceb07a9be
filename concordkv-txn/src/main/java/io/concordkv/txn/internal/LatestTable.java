package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The latest version of each key of a {@link VersionedEngine}: a chained hash table with one
 * writer at a time (the engine's write lock) and readers that take no lock.
 *
 * <p>A node holds the key's hash and bytes as well as the key object, so a look-up with a key that
 * is not the stored object reads the table slot, the node and the key's bytes, as the {@code hash}
 * engine's does (a {@code ConcurrentHashMap} reads the key object in between: one cache miss more
 * on every probe, which was half an MVCC put's time). Writers publish with release stores and
 * readers load with acquire loads; a resize builds a new table of new nodes and publishes it
 * whole, so a reader holding the old table finds every key it held, with the versions it had
 * then. Thread-safe under that discipline.
 */
final class LatestTable {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Node[].class);
    private static final VarHandle VERSION;
    private static final VarHandle NEXT;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(Node.class, "version", VersionRecord.class);
            NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int MIN_CAPACITY = 64;

    /**
     * A key's entry. Besides the latest version it keeps the three of its fields a put over it
     * needs ({@link #putOver}), for the writer only: a put then reads this node, which its look-up
     * read already, and not the version, which is usually cold in the cache.
     */
    static final class Node {
        final int hash;
        final Bytes key;
        final byte[] keyBytes;
        VersionRecord version;
        Node next;
        /** The latest version's create revision, change count (0 for a tombstone) and mod revision; the writer's. */
        private long createRevision;
        private long changes;
        private long modRevision;
        /** The latest version's {@link VersionRecord#countedSize} as not replaced; the writer's. */
        private int counted;

        Node(int hash, Bytes key, VersionRecord version, Node next) {
            this.hash = hash;
            this.key = key;
            this.keyBytes = key.unsafeArray();
            this.next = next;
            this.version = version;
            keepFields(version);
        }

        /** A copy of {@code from} linked to {@code next}, for a resize: reads no version. */
        Node(Node from, Node next) {
            this.hash = from.hash;
            this.key = from.key;
            this.keyBytes = from.keyBytes;
            this.version = from.version;
            this.createRevision = from.createRevision;
            this.changes = from.changes;
            this.modRevision = from.modRevision;
            this.counted = from.counted;
            this.next = next;
        }

        /** Takes the fields {@link #putOver} needs from {@code v}, the version being made the latest. */
        private void keepFields(VersionRecord v) {
            createRevision = v.createRevision();
            changes = v.tombstone() ? 0 : v.version();
            modRevision = v.modRevision();
            counted = v.countedSize(0);
        }

        /**
         * The version a put of {@code value} (with {@code lease}) at {@code revision} makes over
         * this key's latest one: {@link VersionRecord#put} of it, without reading it. The writer
         * only, or a thread that holds off every writer of the table (the commit lock).
         */
        VersionRecord putOver(long revision, Bytes value, long lease) {
            return VersionRecord.putAfter(revision, value, lease, createRevision, changes, modRevision);
        }

        /** The latest version's {@link VersionRecord#countedSize} as not replaced. */
        int counted() {
            return counted;
        }

        /** The latest version's mod revision, as {@link #putOver} reads it. */
        long modRevision() {
            return modRevision;
        }

        boolean holds(Bytes probe) {
            return key == probe || Arrays.equals(keyBytes, probe.unsafeArray());
        }
    }

    private volatile Node[] table = new Node[MIN_CAPACITY];
    /** Keys held; the writer's. */
    private int size;

    /** The key's hash spread over all 32 bits, the top bits best mixed: they pick the slot. */
    private static int mix(Bytes key) {
        return key.hashCode() * 0x9E3779B9;
    }

    private static int slot(int h, Node[] tab) {
        // the length is a power of two, at least 64: its top bits' worth of the hash
        return h >>> Integer.numberOfLeadingZeros(tab.length - 1);
    }

    private static Node first(Node[] tab, int i) {
        return (Node) SLOTS.getAcquire(tab, i);
    }

    private static Node find(Node[] tab, int h, Bytes key) {
        for (Node n = first(tab, slot(h, tab)); n != null; n = (Node) NEXT.getAcquire(n)) {
            if (n.hash == h && n.holds(key)) {
                return n;
            }
        }
        return null;
    }

    /** Writer only: the node of {@code key}, or null. */
    Node node(Bytes key) {
        return find(table, mix(key), key);
    }

    /** Writer only: makes {@code version} the latest version of {@code n}'s key. */
    void replace(Node n, VersionRecord version) {
        n.keepFields(version);
        VERSION.setRelease(n, version);
    }

    VersionRecord get(Bytes key) {
        Node n = find(table, mix(key), key);
        return n == null ? null : (VersionRecord) VERSION.getAcquire(n);
    }

    int size() {
        return size;
    }

    /** Writer only. Returns the version replaced, or null when the key is new. */
    VersionRecord put(Bytes key, VersionRecord version) {
        int h = mix(key);
        Node[] tab = table;
        Node n = find(tab, h, key);
        if (n != null) {
            VersionRecord old = n.version;
            replace(n, version);
            return old;
        }
        if (size + 1 > tab.length - (tab.length >>> 2)) {
            tab = resize(tab.length * 2);
        }
        int i = slot(h, tab);
        SLOTS.setRelease(tab, i, new Node(h, key, version, tab[i]));
        size++;
        return null;
    }

    /** Writer only. Returns the version removed, or null when there was none. */
    VersionRecord remove(Bytes key) {
        int h = mix(key);
        Node[] tab = table;
        int i = slot(h, tab);
        Node prev = null;
        for (Node n = tab[i]; n != null; prev = n, n = n.next) {
            if (n.hash == h && n.holds(key)) {
                if (prev == null) {
                    SLOTS.setRelease(tab, i, n.next);
                } else {
                    NEXT.setRelease(prev, n.next);
                }
                size--;
                if (tab.length > MIN_CAPACITY && size < tab.length >>> 3) {
                    resize(tab.length / 2);
                }
                return n.version;
            }
        }
        return null;
    }

    /** Calls {@code action} with every key and its version; with the writer held off, a consistent view. */
    void forEach(java.util.function.BiConsumer<Bytes, VersionRecord> action) {
        for (Node head : table) {
            for (Node n = head; n != null; n = n.next) {
                action.accept(n.key, n.version);
            }
        }
    }

    /** Writer only. */
    void clear() {
        table = new Node[MIN_CAPACITY];
        size = 0;
    }

    /** A new table of new nodes, published whole: readers of the old one are not disturbed. */
    private Node[] resize(int capacity) {
        Node[] old = table;
        Node[] tab = new Node[capacity];
        for (Node head : old) {
            for (Node n = head; n != null; n = n.next) {
                int i = slot(n.hash, tab);
                tab[i] = new Node(n, tab[i]);
            }
        }
        table = tab;
        return tab;
    }
}
