package io.concordkv.raft.wal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import io.concordkv.storage.log.LogOptions;
import java.util.Objects;

/**
 * How a {@link SegmentedRaftLog} is opened.
 *
 * @param io the file system (a fault-injecting one in tests)
 * @param segmentBytes a write-ahead log segment is sealed and a new one started once it passes
 *     this size; default 64 MiB, at least 1024 bytes
 * @param snapshotsKept how many snapshot files are kept, newest first (default 2, at least 1);
 *     the write-ahead log is purged only up to the oldest of them, so that opening can fall back
 *     to an older snapshot when a newer file is damaged
 */
public record RaftLogOptions(FileIo io, long segmentBytes, int snapshotsKept) {
    public static final int DEFAULT_SNAPSHOTS_KEPT = 2;

    public RaftLogOptions {
        Objects.requireNonNull(io, "io");
        if (segmentBytes < 1024) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "segmentBytes must be at least 1024, got " + segmentBytes);
        }
        if (snapshotsKept < 1) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "snapshotsKept must be at least 1, got " + snapshotsKept);
        }
    }

    /** The real disk, 64 MiB segments, two snapshots kept. */
    public static RaftLogOptions defaults() {
        return new RaftLogOptions(FileIo.disk(), LogOptions.DEFAULT_SEGMENT_BYTES, DEFAULT_SNAPSHOTS_KEPT);
    }

    public RaftLogOptions withIo(FileIo newIo) {
        return new RaftLogOptions(newIo, segmentBytes, snapshotsKept);
    }

    public RaftLogOptions withSegmentBytes(long bytes) {
        return new RaftLogOptions(io, bytes, snapshotsKept);
    }

    public RaftLogOptions withSnapshotsKept(int count) {
        return new RaftLogOptions(io, segmentBytes, count);
    }

    /** The options of the underlying segmented log (never salvage: a Raft log must not silently lose a middle). */
    LogOptions logOptions() {
        return new LogOptions(io, segmentBytes, false);
    }
}
