package io.concordkv.storage;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How {@link KvStore#open} opens a store. Immutable; {@code with...} methods return copies.
 *
 * @param engine the storage engine by name ({@code array}, {@code rbtree}, {@code hash}, {@code lsm})
 * @param limits key, value and batch limits
 * @param fsync when the log is synced (default {@link FsyncPolicy#BATCH})
 * @param batchSyncOps under {@code BATCH}, sync after this many operations (default 100)
 * @param batchSyncInterval under {@code BATCH}, sync once the oldest unsynced write is this old (default 5 s)
 * @param segmentBytes log segment size before rotation (default 64 MiB)
 * @param compactionEntries compact the log once it holds this many records (default 1000), or
 *     four times as many as after the previous compaction, whichever is larger
 * @param compactionBytes ... or once the log is this large (default 64 MiB), or four times what it was
 *     after the previous one
 * @param salvage on corruption, open with the valid prefix instead of failing
 * @param io the file system; a fault-injecting one in tests
 * @param clock time source for the batch interval
 * @param maxSnapshotChain incremental snapshots after a full one before the next snapshot is
 *     full again (default 4)
 * @param unindexedPrefix keys starting with this byte stay out of the {@code rbtree} engine's
 *     point index; -1 (the default) for none ({@link EngineConfig#unindexedPrefix})
 */
public record StoreOptions(String engine, EngineLimits limits, FsyncPolicy fsync, int batchSyncOps,
                           Duration batchSyncInterval, long segmentBytes, long compactionEntries,
                           long compactionBytes, boolean salvage, FileIo io, InstantSource clock,
                           int maxSnapshotChain, int unindexedPrefix) {
    public StoreOptions {
        EngineConfig.of(engine);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(batchSyncInterval, "batchSyncInterval");
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(clock, "clock");
        if (batchSyncOps < 1 || batchSyncInterval.isNegative() || batchSyncInterval.isZero()
            || segmentBytes < 1024 || compactionEntries < 1 || compactionBytes < 1024 || maxSnapshotChain < 0
            || unindexedPrefix < -1 || unindexedPrefix > 255) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "invalid store options: " + this);
        }
    }

    /** The named engine with every default. */
    public static StoreOptions defaults(String engine) {
        return new StoreOptions(engine, EngineLimits.defaults(), FsyncPolicy.BATCH, 100, Duration.ofSeconds(5),
            64L * 1024 * 1024, 1000, 64L * 1024 * 1024, false, FileIo.disk(), InstantSource.system(), 4, -1);
    }

    public StoreOptions withFsync(FsyncPolicy policy) {
        return new StoreOptions(engine, limits, policy, batchSyncOps, batchSyncInterval, segmentBytes,
            compactionEntries, compactionBytes, salvage, io, clock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withBatchSync(int ops, Duration interval) {
        return new StoreOptions(engine, limits, fsync, ops, interval, segmentBytes, compactionEntries,
            compactionBytes, salvage, io, clock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withSegmentBytes(long bytes) {
        return new StoreOptions(engine, limits, fsync, batchSyncOps, batchSyncInterval, bytes, compactionEntries,
            compactionBytes, salvage, io, clock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withCompactionTrigger(long entries, long bytes) {
        return new StoreOptions(engine, limits, fsync, batchSyncOps, batchSyncInterval, segmentBytes, entries,
            bytes, salvage, io, clock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withSalvage(boolean on) {
        return new StoreOptions(engine, limits, fsync, batchSyncOps, batchSyncInterval, segmentBytes,
            compactionEntries, compactionBytes, on, io, clock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withIo(FileIo newIo) {
        return new StoreOptions(engine, limits, fsync, batchSyncOps, batchSyncInterval, segmentBytes,
            compactionEntries, compactionBytes, salvage, newIo, clock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withClock(InstantSource newClock) {
        return new StoreOptions(engine, limits, fsync, batchSyncOps, batchSyncInterval, segmentBytes,
            compactionEntries, compactionBytes, salvage, io, newClock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withMaxSnapshotChain(int chain) {
        return new StoreOptions(engine, limits, fsync, batchSyncOps, batchSyncInterval, segmentBytes,
            compactionEntries, compactionBytes, salvage, io, clock, chain, unindexedPrefix);
    }

    public StoreOptions withLimits(EngineLimits newLimits) {
        return new StoreOptions(engine, newLimits, fsync, batchSyncOps, batchSyncInterval, segmentBytes,
            compactionEntries, compactionBytes, salvage, io, clock, maxSnapshotChain, unindexedPrefix);
    }

    public StoreOptions withUnindexedPrefix(int prefix) {
        return new StoreOptions(engine, limits, fsync, batchSyncOps, batchSyncInterval, segmentBytes,
            compactionEntries, compactionBytes, salvage, io, clock, maxSnapshotChain, prefix);
    }
}
