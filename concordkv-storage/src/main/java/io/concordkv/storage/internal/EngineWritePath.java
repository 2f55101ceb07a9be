package io.concordkv.storage.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The write path for a persistent engine ({@code lsm}), which logs by itself: no second log.
 * {@code ALWAYS} opens the engine with per-write sync (RocksDB groups concurrent synced writes
 * itself); {@code BATCH} syncs the engine's log after the configured number of operations or
 * interval; {@code NEVER} leaves syncing to the engine and the OS. After a failed write or sync
 * the path turns read-only, like {@link GroupCommitWriter}. Thread-safe.
 */
public final class EngineWritePath implements WritePath {
    private final StorageEngine engine;
    private final FsyncPolicy policy;
    private final int batchSyncOps;
    private final Duration batchSyncInterval;
    private final InstantSource clock;
    private final Object syncLock = new Object();
    private volatile KvException failure;
    /** Guarded by syncLock. */
    private long unsyncedOps;
    private Instant oldestUnsynced;

    public EngineWritePath(StorageEngine engine, FsyncPolicy policy, int batchSyncOps, Duration batchSyncInterval,
                           InstantSource clock) {
        this.engine = engine;
        this.policy = policy;
        this.batchSyncOps = batchSyncOps;
        this.batchSyncInterval = batchSyncInterval;
        this.clock = clock;
    }

    @Override
    public void commit(WriteBatch batch) {
        KvException f = failure;
        if (f != null) {
            throw new KvException(f.code(), f.getMessage(), f);
        }
        try {
            engine.write(batch);
            if (policy == FsyncPolicy.BATCH) {
                countAndMaybeSync(batch.size());
            }
        } catch (KvException e) {
            if (e.code() == ErrorCode.IO_ERROR) {
                failure = new KvException(ErrorCode.IO_ERROR,
                    "engine write failed, store is read-only until reopened: " + e.getMessage(), e);
                throw failure;
            }
            throw e;
        }
    }

    /** RocksDB orders and syncs writes itself: the batch is applied (and synced, per policy) before this returns. */
    @Override
    public WriteTicket submit(WriteBatch batch) {
        commit(batch);
        return WriteTicket.DONE;
    }

    private void countAndMaybeSync(int ops) {
        synchronized (syncLock) {
            if (unsyncedOps == 0) {
                oldestUnsynced = clock.instant();
            }
            unsyncedOps += ops;
            if (unsyncedOps >= batchSyncOps) {
                engine.sync();
                unsyncedOps = 0;
            }
        }
    }

    @Override
    public void syncIfDue() {
        synchronized (syncLock) {
            if (failure == null && unsyncedOps > 0
                && !clock.instant().isBefore(oldestUnsynced.plus(batchSyncInterval))) {
                try {
                    engine.sync();
                    unsyncedOps = 0;
                } catch (KvException e) {
                    failure = e;
                }
            }
        }
    }

    @Override
    public void sync() {
        synchronized (syncLock) {
            KvException f = failure;
            if (f != null) {
                throw new KvException(f.code(), f.getMessage(), f);
            }
            try {
                engine.sync();
                unsyncedOps = 0;
            } catch (KvException e) {
                failure = e;
                throw e;
            }
        }
    }

    @Override
    public void shutdown() {
        synchronized (syncLock) {
            if (failure == null) {
                engine.sync();
                failure = new KvException(ErrorCode.CLOSED, "store is closed");
            }
        }
    }

    @Override
    public Optional<KvException> failure() {
        return Optional.ofNullable(failure);
    }
}
