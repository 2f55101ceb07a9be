package io.concordkv.raft.core;

import java.util.List;

/**
 * The stable part of a member's log as the core reads it: what the runtime has persisted. The core
 * never writes here; the runtime appends what a {@link Ready} asked it to persist (after making it
 * durable) and compacts behind snapshots. Entries start right after the snapshot: the first index
 * is {@code snapshot().meta().index() + 1}; the term of the snapshot's own index stays readable.
 *
 * <p>Threads: the core calls these methods on its own thread; implementations used by a runtime
 * must tolerate the runtime writing from another thread.
 */
public interface RaftStorage {
    /** Hard state and configuration as persisted (empty ones for a new member). */
    HardState hardState();

    ConfState confState();

    /**
     * Entries in {@code [lo, hi)}, as many as fit in {@code maxBytes} but at least one.
     *
     * @throws CompactedException when {@code lo} is at or below the snapshot index
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * Term of the entry at {@code index}; the snapshot's term for the snapshot index.
     *
     * @throws CompactedException when the index is below the snapshot index
     * @throws IllegalArgumentException when the index is beyond the last index
     */
    long term(long index);

    /** Index of the first entry still held: snapshot index + 1. */
    long firstIndex();

    /** Index of the last entry held; the snapshot index when no entry follows it. */
    long lastIndex();

    /** The latest snapshot (its image read when asked, so this may cost I/O). */
    Snapshot snapshot();
}
