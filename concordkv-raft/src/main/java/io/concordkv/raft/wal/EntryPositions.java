package io.concordkv.raft.wal;

import java.util.Arrays;

/**
 * Where each live Raft entry was written: Raft index to the segmented log's record index, for the
 * contiguous run of entries after the snapshot. Live entries' record indexes increase with their
 * Raft index (writing an entry drops every entry above it), so the record of the first entry
 * after a snapshot bounds what a purge may delete. Not thread-safe: the log's writer owns it.
 */
final class EntryPositions {
    /** Raft index of walIndexes[0]. */
    private long first = 1;
    private long[] walIndexes = new long[1024];
    private int size;

    /** Records that entry {@code raftIndex} was written at {@code walIndex}, dropping every entry from it on. */
    void put(long raftIndex, long walIndex) {
        if (size == 0) {
            first = raftIndex;
        } else if (raftIndex < first || raftIndex > first + size) {
            throw new IllegalStateException("entry " + raftIndex + " is not adjacent to [" + first + ", "
                + (first + size - 1) + "]");
        }
        int at = (int) (raftIndex - first);
        if (at == walIndexes.length) {
            walIndexes = Arrays.copyOf(walIndexes, walIndexes.length * 2);
        }
        walIndexes[at] = walIndex;
        size = at + 1;
    }

    /** The record index of entry {@code raftIndex}, or {@code -1} when it is not held. */
    long walIndexOf(long raftIndex) {
        if (raftIndex < first || raftIndex >= first + size) {
            return -1;
        }
        return walIndexes[(int) (raftIndex - first)];
    }

    /** Forgets the entries at and below {@code raftIndex} (a snapshot covers them). */
    void dropThrough(long raftIndex) {
        if (raftIndex < first) {
            return;
        }
        int drop = (int) Math.min(size, raftIndex - first + 1);
        System.arraycopy(walIndexes, drop, walIndexes, 0, size - drop);
        size -= drop;
        first = raftIndex + 1;
    }

    /** Forgets the entries above {@code raftIndex}. */
    void truncateAfter(long raftIndex) {
        size = (int) Math.max(0, Math.min(size, raftIndex - first + 1));
    }

    /** Forgets everything (an installed snapshot replaced the log). */
    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }
}
