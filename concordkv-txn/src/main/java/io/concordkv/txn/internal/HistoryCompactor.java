package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.WriteBatch;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History compaction: drops every version that no read at or after the compaction point can
 * see. A history version goes once the revision that replaced it is at or below the point; a
 * key's latest version goes only if it is a tombstone at or below the point.
 *
 * <p>What to drop comes from the {@link HistoryQueue} and, over an engine that holds versions as
 * objects, from that engine (no scan of the store; see {@link CommitSequencer#takeDroppable}). Order of work, so
 * that a crash anywhere leaves a readable store: the new point is published in memory (readers
 * re-check it after following history, and refuse reads below it), then made durable, then old
 * versions are deleted, then tombstones (each re-checked under the commit lock, so a key written meanwhile
 * keeps its new version). Old versions left by a crash in the middle are queued again when the
 * store reopens and go at the next compaction; a tombstone whose old version was already deleted
 * stays (it costs a few bytes, and reads treat it as absent). Serialised: one compaction at a time. Thread-safe.
 *
 * <p>The old versions are one range of keys (history is filed by the revision that replaced a
 * version, {@link MvccKeys#history}): they go by range deletes, each from the start of history to
 * a revision about {@value #DELETE_BATCH} versions further than the one before (so that no batch
 * holds the engine long), which the log keeps as one operation each instead of one per version,
 * and its compaction as the last one only (it covers the others). Every engine under the MVCC
 * store keeps history in order: the in-memory ones in {@link VersionedEngine}'s sorted array
 * (the {@code hash} engine, which would visit every key for a range, holds none of it), and
 * {@code lsm}.
 */
public final class HistoryCompactor {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryCompactor.class);
    private static final int DELETE_BATCH = 1000;

    /** Counts of one compaction. */
    public record Result(long revision, long versionsRemoved, long tombstonesRemoved) {
    }

    private final KvStore store;
    private final CommitSequencer sequencer;
    public HistoryCompactor(KvStore store, CommitSequencer sequencer) {
        this.store = store;
        this.sequencer = sequencer;
    }

    /**
     * Moves the compaction point to {@code revision} in memory: reads below it fail from now on.
     * The caller has checked {@code revision} against open readers and holds off new ones.
     *
     * @throws KvException {@code FUTURE_REVISION} or {@code COMPACTED} when it is not a valid point
     */
    public void advance(long revision) {
        if (revision > sequencer.published()) {
            throw new KvException(ErrorCode.FUTURE_REVISION, "cannot compact at revision " + revision
                + ", newer than the current revision " + sequencer.published());
        }
        if (revision <= sequencer.compacted()) {
            throw new KvException(ErrorCode.COMPACTED, "revision " + revision
                + " is already compacted (compacted revision " + sequencer.compacted() + ")");
        }
        sequencer.advanceCompacted(revision);
    }

    /** Makes the point {@link #advance}d to durable, then drops what it lets go. One at a time. */
    public synchronized Result drop(long revision) {
        store.write(WriteBatch.builder().put(MvccKeys.META_COMPACTED, MvccKeys.encodeLong(revision)).build());
        HistoryQueue.Taken droppable = sequencer.takeDroppable(revision, DELETE_BATCH);
        long versions = dropHistoryRanges(droppable, revision);
        long tombstones = dropTombstones(droppable.tombstones(), revision);
        LOG.info("history compacted to revision {}: {} old versions and {} tombstones removed",
            revision, versions, tombstones);
        return new Result(revision, versions, tombstones);
    }

    /**
     * Deletes every history version replaced at or below {@code revision} by growing ranges from
     * the start of history, a cut after every {@value #DELETE_BATCH} queued versions.
     */
    private long dropHistoryRanges(HistoryQueue.Taken droppable, long revision) {
        // the queue is in revision order; a cut through a revision takes all of its versions
        for (long cut : droppable.cuts()) {
            deleteHistoryThrough(cut);
        }
        deleteHistoryThrough(revision);
        return droppable.versions();
    }

    private void deleteHistoryThrough(long revision) {
        ScanRange history = MvccKeys.historyRange(0, revision + 1);
        store.write(WriteBatch.builder().deleteRange(history.start(), history.end().orElseThrow()).build());
    }

    /** Drops each of {@code droppable}'s tombstones still the latest version of its key (a key written since keeps its new version). */
    private long dropTombstones(List<HistoryQueue.Entry> droppable, long revision) {
        List<Bytes> candidates = droppable.stream().map(HistoryQueue.Entry::key).toList();
        long removed = 0;
        for (int from = 0; from < candidates.size(); from += DELETE_BATCH) {
            List<Bytes> chunk = candidates.subList(from, Math.min(candidates.size(), from + DELETE_BATCH));
            removed += sequencer.exclusive(state -> {
                WriteBatch.Builder batch = WriteBatch.builder();
                int n = 0;
                for (Bytes key : chunk) {
                    VersionRecord v = state.latest(key).orElse(null);
                    if (v != null && v.tombstone() && v.modRevision() <= revision) {
                        batch.delete(MvccKeys.latest(key));
                        n++;
                    }
                }
                store.write(batch.build());
                return n;
            });
        }
        return removed;
    }
}
