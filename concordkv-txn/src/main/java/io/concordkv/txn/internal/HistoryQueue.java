package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What history compaction will have to drop, in the order it becomes droppable: every old
 * version (by the revision that replaced it) and every tombstone (by its revision); over a
 * {@link VersionedEngine}, which counts and cuts the history it holds itself, the tombstones
 * alone, so that a commit's put appends nothing here. Commits
 * append under the commit lock, so the queue is in revision order and compaction takes a prefix
 * of it instead of scanning the store. Rebuilt from the history the store holds when it opens
 * and when an image replaces its data.
 *
 * <p>One appender at a time (commits, under the commit lock) and one taker at a time (history
 * compaction, serialised): entries go into arrays of {@value #CHUNK}, linked in order, and the
 * count appended is published with a release store, which the taker's volatile read pairs with:
 * an append is plain stores and one ordered one, with no node to allocate, no compare-and-set
 * and no full fence (a lock-free linked queue, used before, cost a node and a compare-and-set on
 * every overwrite, and its taker a compare-and-set per entry).
 * Thread-safe under that discipline.
 */
final class HistoryQueue {
    /**
     * An old version replaced at {@code revision} (its history key as {@code key}, or null when
     * it was queued by {@link #addReplaced}), or (for a tombstone) the user key whose latest
     * version is one.
     */
    record Entry(long revision, Bytes key, boolean tombstone) {
    }

    private static final int CHUNK = 1024;

    static final class Chunk {
        final long[] revisions = new long[CHUNK];
        /** Null where {@link #addReplaced} queued a bare revision. */
        final Entry[] entries = new Entry[CHUNK];
        /** Set before the count that reaches into it is published. */
        Chunk next;
    }

    /** The appender's chunk and its place in it. */
    private Chunk tail = new Chunk();
    private int tailIndex;
    /** The taker's chunk and its place in it. */
    private Chunk head = tail;
    private int headIndex;
    /** Entries appended, published by the appender; entries taken, by the taker. */
    private volatile long appended;
    private volatile long taken;
    private static final java.lang.invoke.VarHandle APPENDED;
    private static final java.lang.invoke.VarHandle TAKEN;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            APPENDED = lookup.findVarHandle(HistoryQueue.class, "appended", long.class);
            TAKEN = lookup.findVarHandle(HistoryQueue.class, "taken", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The taker's chunk: for tests. */
    Chunk headChunk() {
        return head;
    }

    /** Appends; the caller holds the commit lock and appends in revision order. */
    void add(Entry e) {
        append(e.revision(), e);
    }

    /**
     * Appends an old version replaced at {@code revision}, with no entry to allocate: history
     * compaction needs only the revision (it cuts history by range). Taken as an entry with no key.
     */
    void addReplaced(long revision) {
        append(revision, null);
    }

    private void append(long revision, Entry e) {
        if (tailIndex == CHUNK) {
            Chunk next = new Chunk();
            tail.next = next;
            tail = next;
            tailIndex = 0;
        }
        tail.revisions[tailIndex] = revision;
        tail.entries[tailIndex++] = e;
        // one appender at a time: publishes the entry and the link to whoever reads the count
        APPENDED.setRelease(this, appended + 1);
    }

    /**
     * What {@link #takeUpTo} removed: how many old versions, the revision of every
     * {@code cutEvery}-th of them that is below the compaction's revision (where compaction may cut
     * history early), and the tombstones, in order.
     */
    record Taken(long versions, long[] cuts, List<Entry> tombstones) {
    }

    /**
     * Removes the entries droppable at a compaction to {@code revision}, making no object for an
     * old version (history compaction cuts them by range). One taker at a time.
     */
    Taken takeUpTo(long revision, int cutEvery) {
        long available = appended - taken;
        long n = 0;
        long versions = 0;
        long[] cuts = new long[8];
        int cutCount = 0;
        List<Entry> tombstones = new ArrayList<>();
        for (; n < available; n++) {
            if (headIndex == CHUNK) {
                Chunk done = head;
                head = done.next;
                // A taken chunk that a young collection had promoted stays in the old generation
                // until a mixed collection finds it dead; if it still linked to the chunk after
                // it, every chunk appended since would stay reachable from it in each young
                // collection: copied at every one, then promoted in turn, and so on.
                done.next = null;
                headIndex = 0;
            }
            long r = head.revisions[headIndex];
            if (r > revision) {
                break;
            }
            Entry e = head.entries[headIndex];
            head.entries[headIndex++] = null;
            if (e != null && e.tombstone()) {
                tombstones.add(e);
            } else if (++versions % cutEvery == 0 && r < revision) {
                if (cutCount == cuts.length) {
                    cuts = Arrays.copyOf(cuts, cutCount * 2);
                }
                cuts[cutCount++] = r;
            }
        }
        TAKEN.setRelease(this, taken + n);
        return new Taken(versions, Arrays.copyOf(cuts, cutCount), tombstones);
    }

    /**
     * Takes {@code other}'s entries in place of its own: the store's data was replaced. The caller
     * holds the commit lock with history compaction held off (no append, no take meanwhile).
     */
    void replaceWith(HistoryQueue other) {
        tail = other.tail;
        tailIndex = other.tailIndex;
        head = other.head;
        headIndex = other.headIndex;
        taken = other.taken;
        appended = other.appended;
    }

    /**
     * The queue of what {@code store} holds: each tombstone that replaced a version, and, when
     * {@code versions}, each old version (an engine that holds versions as objects counts them itself).
     */
    static HistoryQueue rebuild(KvStore store, boolean versions) {
        List<Entry> entries = new ArrayList<>();
        for (KeyValue kv : store.scan(MvccKeys.historyRange(0, Long.MAX_VALUE))) {
            VersionRecord old = VersionRecord.decode(kv.value());
            if (versions) {
                entries.add(new Entry(old.supersededAt(), kv.key(), false));
            }
            Bytes user = MvccKeys.userKeyOfHistory(kv.key());
            store.get(MvccKeys.latest(user)).map(VersionRecord::decode)
                .filter(latest -> latest.tombstone() && latest.modRevision() == old.supersededAt())
                .ifPresent(latest -> entries.add(new Entry(latest.modRevision(), user, true)));
        }
        entries.sort(Comparator.comparingLong(Entry::revision));
        HistoryQueue q = new HistoryQueue();
        entries.forEach(q::add);
        return q;
    }
}
