package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What history compaction will have to drop, in the order it becomes droppable: every old
 * version (by the revision that replaced it) and every tombstone (by its revision). Commits
 * append under the commit lock, so the queue is in revision order and compaction takes a prefix
 * of it instead of scanning the store. Rebuilt from the history the store holds when it opens
 * and when an image replaces its data. Thread-safe.
 */
final class HistoryQueue {
    /** An old version under {@code storeKey}, or (for a tombstone) the user key whose latest version is one. */
    record Entry(long revision, Bytes key, boolean tombstone) {
    }

    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();

    /** Appends; the caller holds the commit lock and appends in revision order. */
    void add(Entry e) {
        queue.add(e);
    }

    /** Removes and returns the entries droppable at a compaction to {@code revision}. */
    List<Entry> takeUpTo(long revision) {
        List<Entry> out = new ArrayList<>();
        Entry head;
        while ((head = queue.peek()) != null && head.revision() <= revision) {
            out.add(queue.poll());
        }
        return out;
    }

    int size() {
        return queue.size();
    }

    /**
     * Takes {@code other}'s entries in place of its own: the store's data was replaced. The caller
     * holds the commit lock with history compaction held off.
     */
    void replaceWith(HistoryQueue other) {
        queue.clear();
        queue.addAll(other.queue);
    }

    /** The queue of what {@code store} holds: each old version, and each tombstone that replaced one. */
    static HistoryQueue rebuild(KvStore store) {
        List<Entry> entries = new ArrayList<>();
        for (KeyValue kv : store.scan(MvccKeys.historyRange(0, Long.MAX_VALUE))) {
            VersionRecord old = VersionRecord.decode(kv.value());
            entries.add(new Entry(old.supersededAt(), kv.key(), false));
            Bytes user = MvccKeys.userKeyOfHistory(kv.key());
            store.get(MvccKeys.latest(user)).map(VersionRecord::decode)
                .filter(latest -> latest.tombstone() && latest.modRevision() == old.supersededAt())
                .ifPresent(latest -> entries.add(new Entry(latest.modRevision(), user, true)));
        }
        entries.sort(Comparator.comparingLong(Entry::revision));
        HistoryQueue q = new HistoryQueue();
        q.queue.addAll(entries);
        return q;
    }
}
