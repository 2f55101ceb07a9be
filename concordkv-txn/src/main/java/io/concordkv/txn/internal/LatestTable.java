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
 *
 * <p>A node also keeps, for the writer alone, what a put needs of the version it replaces (its
 * revisions, change count, whether it is live, its encoded size), so that a put over a key never
 * reads the replaced version: that object is usually cold, and reading it was a fifth of a put.
 */
final class LatestTable {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Node[].class);
    private static final VarHandle VERSION;
    private static final VarHandle NEXT;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(NodeHead.class, "version", VersionRecord.class);
            NEXT = MethodHandles.lookup().findVarHandle(NodeHead.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int MIN_CAPACITY = 64;

    /**
     * What a probe reads of a node, in a class of its own: the JVM lays a superclass's fields out
     * first, so these stay together at the head of the node, ahead of the writer's fields, and a
     * probe touches no more cache lines than it did before those were added.
     */
    abstract static class NodeHead {
        final int hash;
        final Bytes key;
        final byte[] keyBytes;
        VersionRecord version;
        Node next;

        NodeHead(int hash, Bytes key, byte[] keyBytes, VersionRecord version, Node next) {
            this.hash = hash;
            this.key = key;
            this.keyBytes = keyBytes;
            this.version = version;
            this.next = next;
        }

        final boolean holds(Bytes probe) {
            return key == probe || Arrays.equals(keyBytes, probe.unsafeArray());
        }
    }

    /** A key's entry. Its fields other than the version and the link are the writer's alone. */
    static final class Node extends NodeHead {
        /** Of {@link #version}: its create and mod revisions and change count, as the writer last set it. */
        long createRevision;
        long modRevision;
        long count;
        boolean live;
        /** Of {@link #version}: its encoded size, and that size less its {@code supersededAt} varint. */
        int encodedSize;
        int sizeUnsuperseded;

        Node(int hash, Bytes key, VersionRecord version, Node next) {
            super(hash, key, key.unsafeArray(), version, next);
            setVersion(version);
        }

        /** A copy of {@code n} linked to {@code next}, for a resized table. */
        Node(Node n, Node next) {
            super(n.hash, n.key, n.keyBytes, n.version, next);
            this.createRevision = n.createRevision;
            this.modRevision = n.modRevision;
            this.count = n.count;
            this.live = n.live;
            this.encodedSize = n.encodedSize;
            this.sizeUnsuperseded = n.sizeUnsuperseded;
        }

        /** Sets the writer's copy of {@code v}'s fields; setting and publishing {@code v} is the caller's. */
        private void setVersion(VersionRecord v) {
            createRevision = v.createRevision();
            modRevision = v.modRevision();
            count = v.version();
            live = !v.tombstone();
            encodedSize = v.encodedSize();
            sizeUnsuperseded = encodedSize - VersionRecord.varintSize(v.supersededAt());
        }

        /** The length of the version's record once marked replaced at {@code revision}. */
        int encodedSizeSupersededAt(long revision) {
            return sizeUnsuperseded + VersionRecord.varintSize(revision);
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
        n.setVersion(version);
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
