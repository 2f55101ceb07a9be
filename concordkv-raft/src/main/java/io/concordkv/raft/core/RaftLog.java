package io.concordkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A member's log as the core sees it: the stable part in {@link RaftStorage} and the unstable
 * part (entries, or an incoming snapshot, not yet persisted) in memory. Tracks the commit index and
 * the index last handed out for applying. Not thread-safe (the core's thread).
 */
final class RaftLog {
    private final RaftStorage storage;
    /** Entries not yet persisted; unstable.get(0) has index unstableOffset. */
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private long unstableOffset;
    private Snapshot unstableSnapshot = Snapshot.EMPTY;
    private long committed;
    private long applied;

    RaftLog(RaftStorage storage) {
        this.storage = storage;
        this.unstableOffset = storage.lastIndex() + 1;
        long first = storage.firstIndex();
        this.committed = first - 1;
        this.applied = first - 1;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            committed = index;
        }
    }

    long firstIndex() {
        if (!unstableSnapshot.isEmpty()) {
            return unstableSnapshot.meta().index() + 1;
        }
        return storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        if (!unstableSnapshot.isEmpty()) {
            return unstableSnapshot.meta().index();
        }
        return storage.lastIndex();
    }

    /** Last index the runtime has persisted. */
    long stableLastIndex() {
        return unstable.isEmpty() ? lastIndex() : unstableOffset - 1;
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** Term of the entry at {@code index}; 0 when the index is unknown (compacted or beyond the end). */
    long term(long index) {
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return 0;
        }
        if (!unstable.isEmpty() && index >= unstableOffset) {
            return unstable.get((int) (index - unstableOffset)).term();
        }
        if (!unstableSnapshot.isEmpty() && index == unstableSnapshot.meta().index()) {
            return unstableSnapshot.meta().term();
        }
        try {
            return storage.term(index);
        } catch (CompactedException | IllegalArgumentException e) {
            return 0;
        }
    }

    boolean matchTerm(long index, long term) {
        return index >= firstIndex() - 1 && index <= lastIndex() && term(index) == term;
    }

    boolean isUpToDate(long lastIdx, long lastTrm) {
        long myTerm = lastTerm();
        return lastTrm > myTerm || (lastTrm == myTerm && lastIdx >= lastIndex());
    }

    /**
     * Appends entries following (index, logTerm) if that entry matches, truncating any conflicting
     * suffix, and raises the commit index to min(commit, last new index).
     *
     * @return the last index of the new entries, or -1 when (index, logTerm) does not match
     */
    long maybeAppend(long index, long logTerm, long commit, List<Entry> entries) {
        if (!matchTerm(index, logTerm)) {
            return -1;
        }
        long lastNew = index + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with committed entry");
            }
            append(entries.subList((int) (conflict - index - 1), entries.size()));
        }
        commitTo(Math.min(commit, lastNew));
        return lastNew;
    }

    private long findConflict(List<Entry> entries) {
        for (Entry e : entries) {
            if (!matchTerm(e.index(), e.term()) || e.index() > lastIndex()) {
                return e.index();
            }
        }
        return 0;
    }

    /** Appends entries, the first of which may overwrite an unstable or stable suffix. */
    long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.get(0).index();
        if (after - 1 < committed) {
            throw new IllegalStateException("append at " + after + " below commit " + committed);
        }
        if (after == unstableOffset + unstable.size()) {
            unstable.addAll(entries);
        } else if (after <= unstableOffset) {
            unstableOffset = after;
            unstable.clear();
            unstable.addAll(entries);
        } else {
            unstable.subList((int) (after - unstableOffset), unstable.size()).clear();
            unstable.addAll(entries);
        }
        return lastIndex();
    }

    /** Index of the largest entry at or below {@code index} whose term is at most {@code term}. */
    long findConflictByTerm(long index, long term) {
        long i = Math.min(index, lastIndex());
        while (i >= firstIndex()) {
            if (term(i) <= term) {
                return i;
            }
            i--;
        }
        return Math.max(firstIndex() - 1, 0);
    }

    /** Entries from {@code lo} to the end, at most {@code maxBytes} (at least one). */
    List<Entry> entriesFrom(long lo, long maxBytes) {
        if (lo > lastIndex()) {
            return List.of();
        }
        return slice(lo, lastIndex() + 1, maxBytes);
    }

    /** Entries in {@code [lo, hi)}; throws {@link CompactedException} below the first index. */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo < firstIndex()) {
            throw new CompactedException(lo, firstIndex() - 1);
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        if (lo < unstableOffset) {
            List<Entry> stable = storage.entries(lo, Math.min(hi, unstableOffset), maxBytes);
            out.addAll(stable);
            for (Entry e : stable) {
                bytes += e.size();
            }
            if (stable.size() < Math.min(hi, unstableOffset) - lo) {
                return out;
            }
        }
        for (long i = Math.max(lo, unstableOffset); i < hi; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            bytes += e.size();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    boolean hasUnstableEntries() {
        return !unstable.isEmpty();
    }

    List<Entry> unstableEntries() {
        return List.copyOf(unstable);
    }

    Snapshot unstableSnapshot() {
        return unstableSnapshot;
    }

    /** Committed entries not yet handed out for applying, at most {@code maxBytes}. */
    List<Entry> nextCommitted(long maxBytes) {
        long lo = Math.max(applied + 1, firstIndex());
        if (committed + 1 <= lo) {
            return List.of();
        }
        return slice(lo, committed + 1, maxBytes);
    }

    boolean hasNextCommitted() {
        return committed > Math.max(applied, firstIndex() - 1);
    }

    void appliedTo(long index) {
        if (index > committed || index < applied) {
            throw new IllegalStateException("applied " + index + " outside [" + applied + ", " + committed + "]");
        }
        applied = index;
    }

    /** The runtime persisted entries up to {@code index} of {@code term}. */
    void stableTo(long index, long term) {
        if (unstable.isEmpty() || index < unstableOffset) {
            return;
        }
        long last = unstableOffset + unstable.size() - 1;
        if (index > last || term(index) != term) {
            return;
        }
        unstable.subList(0, (int) (index - unstableOffset + 1)).clear();
        unstableOffset = index + 1;
    }

    void snapshotStable(long index) {
        if (unstableSnapshot.meta().index() == index) {
            unstableSnapshot = Snapshot.EMPTY;
        }
    }

    /** Replaces the whole log with a snapshot received from the leader. */
    void restore(Snapshot snap) {
        long index = snap.meta().index();
        committed = index;
        applied = Math.min(applied, index);
        unstable.clear();
        unstableOffset = index + 1;
        unstableSnapshot = snap;
    }

    /** The snapshot handed out to install has been applied: the state machine is at its index. */
    void appliedSnapshot(long index) {
        if (index > applied) {
            applied = index;
        }
    }

    Snapshot snapshot() {
        return unstableSnapshot.isEmpty() ? storage.snapshot() : unstableSnapshot;
    }
}
