package io.concordkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RaftStorage} in memory: entries after the latest snapshot in an array list. The durable
 * runtime replays its write-ahead log into one at start and keeps it current; the simulator uses
 * one per member. Thread-safe (all methods synchronized), so a runtime may append while the core
 * reads.
 */
public final class MemoryStorage implements RaftStorage {
    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot = Snapshot.EMPTY;
    private ConfState conf = ConfState.EMPTY;
    /** entries.get(0) has index snapshot index + 1. */
    private final ArrayList<Entry> entries = new ArrayList<>();

    @Override
    public synchronized HardState hardState() {
        return hardState;
    }

    @Override
    public synchronized ConfState confState() {
        return conf;
    }

    public synchronized void setHardState(HardState state) {
        this.hardState = state;
    }

    /** Records the configuration the log's applied conf changes produced (the runtime tracks it). */
    public synchronized void setConfState(ConfState state) {
        this.conf = state;
    }

    @Override
    public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        long offset = snapshot.meta().index();
        if (lo <= offset) {
            throw new CompactedException(lo, offset);
        }
        if (hi > lastIndex() + 1) {
            throw new IllegalArgumentException("entries [" + lo + ", " + hi + ") beyond last index " + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = entries.get((int) (i - offset - 1));
            bytes += e.size();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized long term(long index) {
        long offset = snapshot.meta().index();
        if (index == offset) {
            return snapshot.meta().term();
        }
        if (index < offset) {
            throw new CompactedException(index, offset);
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("index " + index + " beyond last index " + lastIndex());
        }
        return entries.get((int) (index - offset - 1)).term();
    }

    @Override
    public synchronized long firstIndex() {
        return snapshot.meta().index() + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return snapshot.meta().index() + entries.size();
    }

    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Appends persisted entries; an entry whose index is already held replaces it and everything
     * after it (a new leader overwrote a conflicting suffix). Entries at or below the snapshot
     * index are ignored.
     */
    public synchronized void append(List<Entry> newEntries) {
        for (Entry e : newEntries) {
            long offset = snapshot.meta().index();
            if (e.index() <= offset) {
                continue;
            }
            long pos = e.index() - offset - 1;
            if (pos > entries.size()) {
                throw new IllegalArgumentException("gap: appending " + e.index() + " after " + lastIndex());
            }
            while (entries.size() > pos) {
                entries.remove(entries.size() - 1);
            }
            entries.add(e);
        }
    }

    /** Replaces everything with {@code snap} (a snapshot received from the leader). */
    public synchronized void applySnapshot(Snapshot snap) {
        if (snap.meta().index() <= snapshot.meta().index()) {
            return;
        }
        snapshot = snap;
        conf = snap.meta().conf();
        entries.clear();
    }

    /**
     * Records a snapshot this member took of its own state at {@code meta.index()} (which it has
     * applied) and drops the entries it covers.
     */
    public synchronized void compact(Snapshot snap) {
        long index = snap.meta().index();
        long offset = snapshot.meta().index();
        if (index <= offset) {
            return;
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("snapshot at " + index + " beyond last index " + lastIndex());
        }
        int drop = (int) (index - offset);
        entries.subList(0, drop).clear();
        snapshot = snap;
        conf = snap.meta().conf();
    }
}
