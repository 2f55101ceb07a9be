package io.concordkv.raft.core;

/** Thrown by {@link RaftStorage} for an index that a snapshot has compacted away. */
public final class CompactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompactedException(long index, long snapshotIndex) {
        super("index " + index + " is compacted (snapshot at " + snapshotIndex + ")", null, false, false);
    }
}
