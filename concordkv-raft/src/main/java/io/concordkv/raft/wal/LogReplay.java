package io.concordkv.raft.wal;

import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a member's log from the records of its write-ahead log, starting from one chosen
 * snapshot (the base), exactly as the live log evolved: records are taken in log order, an entry
 * overwrites the suffix from its index, a snapshot marker before the base drops what it covered
 * (all of the log, for an installed one), and markers after the base, whose images are not used,
 * must be matched by the entries (same term at their index) for the result to be trusted.
 *
 * <p>The records may be any suffix of the log's history (a purge deleted the rest): then the
 * entries known start somewhere in the middle, and the result is complete only if they reach
 * down to the entry right after the base. One replay per instance, on one thread.
 */
final class LogReplay {
    /** The records do not rebuild a complete log from the chosen base. */
    static final class NotCoveredException extends Exception {
        private static final long serialVersionUID = 1L;

        NotCoveredException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A snapshot marker applied on the way to the base (the base included).
     *
     * @param floor the first log record a replay from this snapshot needs
     */
    record Marker(SnapshotMeta meta, long floor) {
    }

    /** The rebuilt state: entries after {@code base}, where they were written, the markers up to the base. */
    record Result(HardState hardState, long hardStateWalIndex, SnapshotMeta base, List<Entry> entries,
                  EntryPositions positions, List<Marker> markers, long newestMarkerIndex) {
    }

    private final SnapshotMeta base;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private final EntryPositions positions = new EntryPositions();
    private final List<Marker> markers = new ArrayList<>();
    private HardState hardState = HardState.EMPTY;
    private long hardStateWalIndex = -1;
    private long snapshotIndex;
    private long newestMarkerIndex;
    private boolean baseReached;

    private LogReplay(SnapshotMeta base) {
        this.base = base;
        this.baseReached = base.index() == 0;
    }

    /** Replays {@code records} (in log order) onto {@code base} ({@link SnapshotMeta#EMPTY}: from index 1). */
    static Result replay(List<RaftRecord> records, SnapshotMeta base) throws NotCoveredException {
        LogReplay replay = new LogReplay(base);
        for (RaftRecord r : records) {
            if (r instanceof RaftRecord.EntryRecord e) {
                replay.entry(e.entry(), e.walIndex());
            } else if (r instanceof RaftRecord.HardStateRecord h) {
                replay.hardState = h.state();
                replay.hardStateWalIndex = h.walIndex();
            } else {
                replay.marker((RaftRecord.SnapshotRecord) r);
            }
        }
        return replay.finish();
    }

    private void entry(Entry e, long walIndex) {
        long index = e.index();
        if (index <= snapshotIndex) {
            return;
        }
        if (entries.isEmpty() || index < start() || index > lastIndex() + 1) {
            // the known run restarts here: older records were purged, or precede a snapshot
            entries.clear();
            positions.clear();
        } else {
            entries.subList((int) (index - start()), entries.size()).clear();
        }
        entries.add(e);
        positions.put(index, walIndex);
    }

    private void marker(RaftRecord.SnapshotRecord m) throws NotCoveredException {
        long index = m.meta().index();
        if (index <= newestMarkerIndex) {
            return;
        }
        newestMarkerIndex = index;
        if (baseReached) {
            checkMatched(m);
            if (m.install()) {
                entries.subList((int) (index - start() + 1), entries.size()).clear();
                positions.truncateAfter(index);
            }
            return;
        }
        if (index > base.index()) {
            throw new NotCoveredException("the marker of snapshot " + m.meta().index() + " (log record "
                + m.walIndex() + ") comes before the marker of the newer snapshot " + base.index());
        }
        long next = positions.walIndexOf(index + 1);
        long floor = m.install() || next < 0 ? m.walIndex() : Math.min(next, m.walIndex());
        markers.add(new Marker(m.meta(), floor));
        if (m.install()) {
            entries.clear();
            positions.clear();
        } else {
            dropThrough(index);
        }
        snapshotIndex = index;
        baseReached = sameSnapshot(m.meta(), base);
    }

    /** A marker newer than the base: the entries must reach its index with its term. */
    private void checkMatched(RaftRecord.SnapshotRecord m) throws NotCoveredException {
        long index = m.meta().index();
        checkContiguous("snapshot " + index + " (log record " + m.walIndex() + ")");
        if (entries.isEmpty() || index > lastIndex()) {
            throw new NotCoveredException("the log does not hold entry " + index + " of snapshot " + m.meta().term()
                + "/" + index + " (log record " + m.walIndex() + "); entries end at " + lastIndex());
        }
        long term = entries.get((int) (index - start())).term();
        if (term != m.meta().term()) {
            throw new NotCoveredException("entry " + index + " has term " + term + " but snapshot "
                + m.meta().term() + "/" + index + " (log record " + m.walIndex() + ") says " + m.meta().term());
        }
    }

    private Result finish() throws NotCoveredException {
        if (!baseReached) {
            throw new NotCoveredException("the log has no marker for snapshot " + base.term() + "/" + base.index());
        }
        checkContiguous("the end of the log");
        HardState hs = hardState;
        if (hs.commit() < base.index()) {
            // a crash after an installed snapshot's marker, before the hard state that followed it
            hs = new HardState(hs.term(), hs.vote(), base.index());
        }
        return new Result(hs, hardStateWalIndex, base, List.copyOf(entries), positions, List.copyOf(markers),
            newestMarkerIndex);
    }

    private void checkContiguous(String where) throws NotCoveredException {
        if (!entries.isEmpty() && start() != snapshotIndex + 1) {
            throw new NotCoveredException("entries " + (snapshotIndex + 1) + " to " + (start() - 1)
                + " are missing from the log (needed at " + where + "; entries found start at " + start() + ")");
        }
    }

    private void dropThrough(long index) {
        if (entries.isEmpty() || index < start()) {
            return;
        }
        int drop = (int) Math.min(entries.size(), index - start() + 1);
        entries.subList(0, drop).clear();
        positions.dropThrough(index);
    }

    private long start() {
        return entries.get(0).index();
    }

    private long lastIndex() {
        return entries.isEmpty() ? snapshotIndex : start() + entries.size() - 1;
    }

    private static boolean sameSnapshot(SnapshotMeta a, SnapshotMeta b) {
        return a.index() == b.index() && a.term() == b.term();
    }
}
