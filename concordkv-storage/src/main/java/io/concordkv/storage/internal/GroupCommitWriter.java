package io.concordkv.storage.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.api.Locks;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
import io.concordkv.storage.log.SegmentedLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write path of the embedded store: log, then sync (per policy), then apply to the engine,
 * in one order for all writers.
 *
 * <p>{@code always} uses group commit ({@link GroupCommitQueue} decides who leads and who is
 * told): a group of queued batches (up to {@value #MAX_GROUP_BYTES} bytes) is appended to the log
 * with one write and one fsync and applied to the engine in log order ({@link #runGroup}).
 * {@code batch} and {@code never} have no fsync to wait for but the periodic one: each write
 * appends to the log's buffer and applies under the log lock, and the buffer goes to the OS in
 * bulk (see {@link #commitBuffered}); under {@code batch} each completed window of operations is
 * then fsynced by a background syncer. Readers of the engine take no lock of this class at all.
 *
 * <p>After a failed write or fsync the writer turns read-only: every later write fails with
 * {@code IO_ERROR} naming the first failure, without retrying (the state of the log file is then
 * unknown). A write that failed this way may or may not be found after a restart.
 *
 * <p>Thread-safe. {@link #withLog} gives other components (compaction, snapshots) exclusive use
 * of the log between groups.
 */
public final class GroupCommitWriter implements WritePath {
    static final int MAX_GROUP_BYTES = 4 * 1024 * 1024;
    static final int FLUSH_BYTES = 64 * 1024;
    static final int FLUSH_RECORDS = 100;

    /** Runs with exclusive use of the log and the engine's write side. */
    public interface LogTask<T> {
        T run(SegmentedLog log) throws IOException;
    }

    private final ReentrantLock ioLock = new ReentrantLock();
    private final SegmentedLog log;
    private final StorageEngine engine;
    private final FsyncPolicy policy;
    private final int batchSyncOps;
    private final Duration batchSyncInterval;
    private final InstantSource clock;
    private volatile KvException failure;
    /** Guarded by ioLock. */
    private long unsyncedOps;
    /** Operations written to the OS by {@code batch} whose fsync has not started yet. */
    private long pendingSyncOps;
    /** Whether the syncer is running, and the operations its current fsync covers; guarded by ioLock. */
    private boolean syncerRunning;
    private long inFlightSyncOps;
    private final Condition syncDone = ioLock.newCondition();
    private final java.util.concurrent.Executor syncer;
    private Instant oldestUnsynced;
    private long appliedIndex;
    private long syncs;
    private long syncedOps;
    private long syncNanos;

    private final Consumer<WriteBatch> onApply;
    private final GroupCommitQueue groups;
    /** The ticket of a {@code batch} write applied but over the window bound: waits for the syncer. */
    private final WriteTicket windowWait = new WriteTicket() {
        @Override
        public void await() {
            awaitWindowSync();
        }

        @Override
        public boolean applied() {
            return true;
        }
    };

    /**
     * @param onApply called with each batch right after it is applied, with the log held (as
     *     in {@link #withLog}), so what it records is consistent with {@link SegmentedLog#lastIndex()}
     * @param syncer runs the {@code batch} policy's fsyncs in the background
     */
    public GroupCommitWriter(SegmentedLog log, StorageEngine engine, FsyncPolicy policy, int batchSyncOps,
                             Duration batchSyncInterval, InstantSource clock, Consumer<WriteBatch> onApply,
                             java.util.concurrent.Executor syncer) {
        this.syncer = syncer;
        this.onApply = onApply;
        this.log = log;
        this.engine = engine;
        this.policy = policy;
        this.batchSyncOps = batchSyncOps;
        this.batchSyncInterval = batchSyncInterval;
        this.clock = clock;
        this.appliedIndex = log.lastIndex();
        this.groups = new GroupCommitQueue(this::runGroup, syncer);
    }

    /** Logs, syncs (per policy) and applies {@code batch}; returns once it is visible and as durable as promised. */
    @Override
    public void commit(WriteBatch batch) {
        submit(batch).await();
    }

    /**
     * Queues {@code batch} behind every batch submitted before it. Under {@code batch} and
     * {@code never} it is logged and applied before this returns (under {@code batch} its ticket
     * waits only when the background fsync is more than two windows behind, so a caller holding
     * a lock of its own while it submits never waits for the disk there); under {@code always} the
     * returned ticket's {@link WriteTicket#await} joins (or leads) the group commit.
     */
    @Override
    public WriteTicket submit(WriteBatch batch) {
        checkWritable();
        if (policy != FsyncPolicy.ALWAYS) {
            return commitBuffered(batch) ? windowWait : WriteTicket.DONE;
        }
        return groups.submit(batch, WalCodec.encode(batch));
    }

    /**
     * {@code batch} and {@code never}: no writer waits for an fsync, so there is nothing to group.
     * The record is appended to the log's buffer and applied, all under the log lock; the buffer
     * goes to the OS at each sync ({@code batch}) or once it holds {@value #FLUSH_BYTES} bytes or
     * {@value #FLUSH_RECORDS} records, or when the timer finds it older than a tenth of the batch
     * interval ({@code never}). Returns whether the write must wait for the background fsync
     * before it is acknowledged ({@link #awaitWindowSync}); the caller waits outside its own locks.
     *
     * <p>A writer that finds the log lock free encodes the batch straight into the log's buffer;
     * one that finds it held encodes into an array of its own while it waits (writers encode in
     * parallel, as they would have to wait anyway) and copies it in under the lock.
     */
    private boolean commitBuffered(WriteBatch batch) {
        SegmentedLog.Payload payload;
        if (ioLock.tryLock()) {
            payload = null;
        } else {
            payload = SegmentedLog.Payload.of(WalCodec.encode(batch));
            Locks.lockSpinning(ioLock); // held about a microsecond per write
        }
        try {
            if (failure != null) {
                throw failure;
            }
            long index = log.append(WalCodec.BATCH, payload != null ? payload : WalCodec.payload(batch));
            if (unsyncedOps == 0) {
                oldestUnsynced = clock.instant();
            }
            unsyncedOps++;
            boolean windowDone = false;
            if (policy == FsyncPolicy.BATCH && unsyncedOps >= batchSyncOps) {
                // hand the buffer to the OS now; the syncer fsyncs it without the log lock
                log.write();
                pendingSyncOps += unsyncedOps;
                unsyncedOps = 0;
                windowDone = true;
                startSyncer();
            } else if (policy == FsyncPolicy.NEVER
                && (log.bufferedBytes() >= FLUSH_BYTES || unsyncedOps >= FLUSH_RECORDS)) {
                log.write();
                unsyncedOps = 0;
            }
            engine.write(batch);
            onApply.accept(batch);
            appliedIndex = index;
            return windowDone && overWindowBound();
        } catch (IOException e) {
            throw fail(e);
        } finally {
            ioLock.unlock();
        }
    }

    /**
     * {@code batch}, caller holds ioLock: a completed window of operations, already handed to the
     * OS, is forced to disk by the background syncer, so no writer waits for an fsync. The syncer
     * covers everything written when it starts an fsync, so when the disk is slower than the
     * writers one fsync covers several windows. A write waits for the syncer only when more than
     * two windows are written but not yet synced ({@link #awaitWindowSync}), which bounds what a
     * power loss can take to under three windows.
     */
    private void startSyncer() {
        if (!syncerRunning) {
            syncerRunning = true;
            syncer.execute(this::syncLoop);
        }
    }

    /** Caller holds ioLock. */
    private boolean overWindowBound() {
        return pendingSyncOps + inFlightSyncOps > 2L * batchSyncOps;
    }

    /** The ticket of a {@code batch} write that found the syncer two windows behind: waits until it is not. */
    private void awaitWindowSync() {
        ioLock.lock();
        try {
            while (overWindowBound() && failure == null) {
                syncDone.awaitUninterruptibly();
            }
            if (failure != null && failure.code() != ErrorCode.CLOSED) {
                throw failure;
            }
        } finally {
            ioLock.unlock();
        }
    }

    /** The syncer: fsyncs until no written operation is left unsynced. */
    private void syncLoop() {
        while (true) {
            long covered;
            ioLock.lock();
            try {
                covered = pendingSyncOps;
                if (covered == 0 || failure != null) {
                    syncerRunning = false;
                    syncDone.signalAll();
                    return;
                }
                pendingSyncOps = 0;
                inFlightSyncOps = covered;
            } finally {
                ioLock.unlock();
            }
            IOException error = null;
            long started = System.nanoTime();
            try {
                log.syncWritten();
            } catch (IOException e) {
                error = e;
            } catch (KvException e) {
                // the log was closed under us; close() synced everything itself
                error = null;
            }
            ioLock.lock();
            try {
                if (error != null) {
                    fail(error);
                } else {
                    syncs++;
                    syncedOps += covered;
                    syncNanos += System.nanoTime() - started;
                }
                inFlightSyncOps = 0;
                syncDone.signalAll();
            } finally {
                ioLock.unlock();
            }
        }
    }

    private void runGroup(List<GroupCommitQueue.Pending> group) {
        ioLock.lock();
        try {
            if (failure != null) {
                group.forEach(p -> p.error = failure);
                return;
            }
            long last = 0;
            for (GroupCommitQueue.Pending p : group) {
                last = log.append(WalCodec.BATCH, p.payload);
            }
            log.write();
            syncLocked(group.size());
            for (GroupCommitQueue.Pending p : group) {
                engine.write(p.batch);
                onApply.accept(p.batch);
            }
            appliedIndex = last;
        } catch (IOException e) {
            KvException error = fail(e);
            group.forEach(p -> p.error = error);
        } catch (KvException e) {
            group.forEach(p -> p.error = e);
        } finally {
            ioLock.unlock();
        }
    }

    /** Syncs if the batch interval has passed since the oldest unsynced write; called by a timer. */
    @Override
    public void syncIfDue() {
        ioLock.lock();
        try {
            if (failure != null || unsyncedOps == 0) {
                return;
            }
            if (policy == FsyncPolicy.NEVER) {
                if (!clock.instant().isBefore(oldestUnsynced.plus(batchSyncInterval.dividedBy(10)))) {
                    log.write();
                    unsyncedOps = 0;
                }
            } else if (!clock.instant().isBefore(oldestUnsynced.plus(batchSyncInterval))) {
                syncLocked(0);
            }
        } catch (IOException e) {
            fail(e);
        } finally {
            ioLock.unlock();
        }
    }

    @Override
    public void sync() {
        ioLock.lock();
        try {
            checkWritable();
            syncLocked(0);
        } catch (IOException e) {
            throw fail(e);
        } finally {
            ioLock.unlock();
        }
    }

    private void syncLocked(int extraOps) throws IOException {
        long started = System.nanoTime();
        log.sync();
        syncNanos += System.nanoTime() - started;
        syncs++;
        syncedOps += unsyncedOps + extraOps;
        unsyncedOps = 0;
    }

    /** Runs {@code task} with exclusive use of the log, between groups. */
    public <T> T withLog(LogTask<T> task) throws IOException {
        ioLock.lock();
        try {
            checkWritable();
            return task.run(log);
        } catch (IOException e) {
            throw fail(e);
        } finally {
            ioLock.unlock();
        }
    }

    /** Index of the last batch applied to the engine. */
    public long appliedIndex() {
        ioLock.lock();
        try {
            return appliedIndex;
        } finally {
            ioLock.unlock();
        }
    }

    /** Number of fsyncs of the log, the operations they covered (for writes-per-fsync figures), and their total time in ns. */
    public long[] syncStats() {
        ioLock.lock();
        try {
            return new long[] {syncs, syncedOps, syncNanos};
        } finally {
            ioLock.unlock();
        }
    }

    @Override
    public Optional<KvException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Syncs what is written and stops accepting writes; the log is closed by its owner. */
    @Override
    public void shutdown() throws IOException {
        ioLock.lock();
        try {
            while (syncerRunning) {
                syncDone.awaitUninterruptibly();
            }
            if (failure == null) {
                log.sync();
                failure = new KvException(ErrorCode.CLOSED, "store is closed");
            }
        } finally {
            ioLock.unlock();
        }
    }

    private KvException fail(IOException e) {
        KvException error = new KvException(ErrorCode.IO_ERROR,
            "write-ahead log failed, store is read-only until reopened: " + e.getMessage(), e);
        if (failure == null) {
            failure = error;
        }
        return failure;
    }

    private void checkWritable() {
        KvException f = failure;
        if (f != null) {
            throw f.code() == ErrorCode.CLOSED ? new KvException(ErrorCode.CLOSED, "store is closed")
                : new KvException(ErrorCode.IO_ERROR, f.getMessage(), f);
        }
    }
}
