package io.concordkv.raft.wal;

import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.SnapshotMeta;

/**
 * One decoded record of the Raft write-ahead log, with the index the segmented log gave it
 * ({@code walIndex}, not a Raft index). Immutable.
 */
sealed interface RaftRecord permits RaftRecord.EntryRecord, RaftRecord.HardStateRecord, RaftRecord.SnapshotRecord {

    /** The record's index in the segmented log. */
    long walIndex();

    /** A Raft log entry; a later one with an index already held overwrites the suffix from there. */
    record EntryRecord(long walIndex, Entry entry) implements RaftRecord {
    }

    /** The hard state as of this record; the last one read wins. */
    record HardStateRecord(long walIndex, HardState state) implements RaftRecord {
    }

    /**
     * A marker: the snapshot image with {@code meta} is durable in the snapshot directory.
     *
     * @param install whether the snapshot came from a leader and replaced the whole log
     *     ({@code false}: this member's own snapshot, which dropped only the entries it covers)
     */
    record SnapshotRecord(long walIndex, SnapshotMeta meta, boolean install) implements RaftRecord {
    }
}
