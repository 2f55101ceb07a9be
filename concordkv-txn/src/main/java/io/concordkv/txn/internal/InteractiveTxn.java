package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.Compare;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.Isolation;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.ReplicatedCommits;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnOperation;
import io.concordkv.txn.TxnOperation.Kind;
import io.concordkv.txn.TxnOptions;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import io.concordkv.txn.TxnState;
import io.concordkv.txn.lock.LockMode;
import io.concordkv.txn.lock.LockOwner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * An interactive transaction (see {@link Transaction} and {@code docs/transactions.md}).
 *
 * <p>Where reads are served: {@code READ_COMMITTED} at the published revision of the moment;
 * {@code REPEATABLE_READ} and optimistic {@code SERIALIZABLE} at the start revision; pessimistic
 * {@code SERIALIZABLE} at the published revision once a shared lock is held (two-phase locking).
 * Writes are buffered and committed as one revision through the {@link CommitSequencer} with the
 * validator of the isolation level — or, in a replica of a cluster ({@link ReplicatedCommits}), as a
 * conditional transaction through the replicated log whose compares check the same things
 * ({@link #replicatedCompares}). Operations run under {@code opLock}, which the timeout reaper
 * only tries, so a transaction is used by one thread at a time and reaped only between operations
 * (a reaped transaction blocked on a lock is woken through the lock table instead).
 */
public final class InteractiveTxn implements Transaction {
    private final long id;
    private final TxnOptions options;
    private final long startRevision;
    private final long deadlineNanos;
    private final TxnContext ctx;
    private final LockOwner owner;
    private final ReentrantLock opLock = new ReentrantLock();
    private final TreeMap<Bytes, CommitSequencer.Mutation> writes = new TreeMap<>();
    private final ReadSet reads = new ReadSet();
    private final List<TxnOperation> ops = new ArrayList<>();
    /**
     * Pessimistic {@code SERIALIZABLE} only: what each locked key read as, so that a re-read is
     * repeatable even if a non-transactional write (which takes no lock) changed the key since;
     * commit then fails validation instead. A re-read is recorded at the revision its answer was
     * read at, not at the revision current when it was asked.
     */
    private final java.util.Map<Bytes, LockedRead> lockedReads;
    /** Null unless the store is one replica of a cluster. */
    private final ReplicatedCommits replicas;
    private volatile TxnState state = TxnState.ACTIVE;
    private volatile KvException abortReason;

    public InteractiveTxn(long id, TxnOptions options, long startRevision, long nowNanos, TxnContext ctx,
                          ReplicatedCommits replicas) {
        this.id = id;
        this.replicas = replicas;
        this.options = options;
        this.startRevision = startRevision;
        this.deadlineNanos = nowNanos + options.timeout().toNanos();
        this.ctx = ctx;
        this.owner = new LockOwner(id);
        this.lockedReads = options.mode() == ConcurrencyMode.PESSIMISTIC
            && options.isolation() == Isolation.SERIALIZABLE ? new java.util.HashMap<>() : null;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public long startRevision() {
        return startRevision;
    }

    @Override
    public TxnOptions options() {
        return options;
    }

    @Override
    public TxnState state() {
        return state;
    }

    /** The revision below which this transaction may still read history, or {@code Long.MAX_VALUE} if none. */
    public long pinnedRevision() {
        return snapshotReads() && state == TxnState.ACTIVE ? startRevision : Long.MAX_VALUE;
    }

    private boolean snapshotReads() {
        return options.isolation() == Isolation.REPEATABLE_READ
            || options.isolation() == Isolation.SERIALIZABLE && options.mode() == ConcurrencyMode.OPTIMISTIC;
    }

    private boolean pessimistic() {
        return options.mode() == ConcurrencyMode.PESSIMISTIC;
    }

    @Override
    public Optional<KeyVersion> get(Bytes key) {
        return run(() -> read(key, Kind.GET));
    }

    @Override
    public Optional<KeyVersion> getForUpdate(Bytes key) {
        return run(() -> {
            checkWritable();
            return read(key, Kind.GET_FOR_UPDATE);
        });
    }

    private Optional<KeyVersion> read(Bytes key, Kind kind) {
        ctx.limits().checkKey(key);
        CommitSequencer.Mutation own = writes.get(key);
        if (own != null) {
            Optional<KeyVersion> mine = own.isDelete() ? Optional.empty()
                : Optional.of(new KeyVersion(key, own.value(), 0, 0, 0, own.lease()));
            ops.add(new TxnOperation(kind, key, Optional.empty(), Optional.empty(), mine.map(List::of).orElse(List.of()), 0));
            return mine;
        }
        boolean forUpdate = kind == Kind.GET_FOR_UPDATE;
        if (pessimistic() && (forUpdate || options.isolation() == Isolation.SERIALIZABLE)) {
            lock(key, forUpdate ? LockMode.EXCLUSIVE : LockMode.SHARED);
        }
        long now = readRevision();
        if (forUpdate && pessimistic() && options.isolation() == Isolation.REPEATABLE_READ) {
            checkUnchangedSinceStart(key);
        }
        LockedRead answer = lockedReads == null ? new LockedRead(ctx.reader().get(key, now), now)
            : lockedReads.computeIfAbsent(key, k -> new LockedRead(ctx.reader().get(k, now), now));
        Optional<KeyVersion> found = answer.found();
        long at = answer.at();
        if (forUpdate && !pessimistic()) {
            reads.forUpdate(key, at);
        } else if (options.isolation() == Isolation.SERIALIZABLE) {
            reads.point(key, at);
        }
        ops.add(new TxnOperation(kind, key, Optional.empty(), Optional.empty(), found.map(List::of).orElse(List.of()),
            at));
        return found;
    }

    /** A locked key's first read: what it found, and at which revision. */
    private record LockedRead(Optional<KeyVersion> found, long at) {
    }

    @Override
    public List<KeyVersion> range(ScanRange range) {
        return run(() -> {
            long at = readRevision();
            boolean ownWritesInRange = OwnWrites.anyIn(writes, range);
            List<KeyVersion> stored = ctx.reader().range(ownWritesInRange ? range.withLimit(0) : range, at).kvs();
            if (pessimistic() && options.isolation() == Isolation.SERIALIZABLE) {
                for (KeyVersion kv : stored) {
                    lock(kv.key(), LockMode.SHARED);
                }
            }
            if (options.isolation() == Isolation.SERIALIZABLE) {
                reads.range(range, at);
            }
            List<KeyVersion> result = ownWritesInRange ? OwnWrites.merge(stored, writes, range) : stored;
            ops.add(new TxnOperation(Kind.RANGE, range.start(), range.end(), Optional.empty(), result, at));
            return result;
        });
    }

    @Override
    public void put(Bytes key, Bytes value) {
        run(() -> {
            ctx.limits().checkKey(key);
            ctx.limits().checkValue(value);
            write(key, CommitSequencer.Mutation.put(key, value));
            ops.add(new TxnOperation(Kind.PUT, key, Optional.empty(), Optional.of(value), List.of(), 0));
            return null;
        });
    }

    @Override
    public void delete(Bytes key) {
        run(() -> {
            ctx.limits().checkKey(key);
            write(key, CommitSequencer.Mutation.delete(key));
            ops.add(new TxnOperation(Kind.DELETE, key, Optional.empty(), Optional.empty(), List.of(), 0));
            return null;
        });
    }

    private void write(Bytes key, CommitSequencer.Mutation m) {
        checkWritable();
        if (pessimistic()) {
            lock(key, LockMode.EXCLUSIVE);
            if (options.isolation() == Isolation.REPEATABLE_READ) {
                checkUnchangedSinceStart(key);
            }
        }
        writes.put(key, m);
    }

    @Override
    public long commit() {
        return run(() -> {
            long revision;
            if (replicas != null) {
                revision = commitThroughReplicas();
            } else if (writes.isEmpty()) {
                // a snapshot reader is serializable at its start revision; a locking reader read at
                // several revisions and must check nothing it read changed (a non-transactional write)
                if (lockedReads != null && !reads.isEmpty()) {
                    ctx.sequencer().commit(List.of(), validator());
                }
                revision = snapshotReads() ? startRevision : ctx.sequencer().published();
            } else {
                revision = ctx.sequencer().commit(new ArrayList<>(writes.values()), validator()).revision();
            }
            end(TxnState.COMMITTED);
            ctx.counters().commits.increment();
            return revision;
        });
    }

    /**
     * Commits as one conditional transaction through the replicated log: the buffered writes,
     * under the compares of {@link #replicatedCompares}. A read-only transaction needs no round
     * unless it read with locks at several revisions (as the local commit).
     */
    private long commitThroughReplicas() {
        if (writes.isEmpty() && (lockedReads == null || reads.isEmpty())) {
            return snapshotReads() ? startRevision : ctx.sequencer().published();
        }
        List<TxnOp> apply = new ArrayList<>(writes.size());
        for (CommitSequencer.Mutation m : writes.values()) {
            apply.add(m.isDelete() ? TxnOp.DeleteRange.key(m.key()) : new TxnOp.Put(m.key(), m.value(), m.lease(), false));
        }
        TxnResponse response = replicas.commit(new TxnRequest(replicatedCompares(), apply, List.of()));
        if (!response.succeeded()) {
            throw new KvException(ErrorCode.CONFLICT, "transaction " + id + " conflicts: another transaction "
                + "changed a key it read or writes before it could commit; retry the transaction");
        }
        return writes.isEmpty() && snapshotReads() ? startRevision : response.revision();
    }

    /**
     * What the local validator checks, as compares on the latest state, which every replica holds
     * alike at the same place in the log:
     * <ul>
     *   <li>a key read with {@code getForUpdate} (any level), and under {@code SERIALIZABLE} every
     *       key read, still has the mod revision it was read with (0: still absent) — so a change,
     *       a delete or a create since the read all fail it;
     *   <li>under {@code SERIALIZABLE}, every key a range returned still has its mod revision, and
     *       no key live in the range was written after the range was read (so no insert either);
     *   <li>under first-committer-wins ({@code REPEATABLE_READ}, optimistic {@code SERIALIZABLE}),
     *       every key written still has the mod revision it had at the start revision.
     * </ul>
     * Reads of the transaction's own writes are not checked.
     */
    private List<Compare> replicatedCompares() {
        boolean serializable = options.isolation() == Isolation.SERIALIZABLE;
        java.util.Map<Bytes, Long> pointMods = new java.util.LinkedHashMap<>();
        List<Compare> compares = new ArrayList<>();
        for (TxnOperation op : ops) {
            switch (op.kind()) {
                case GET, GET_FOR_UPDATE -> {
                    if (op.readRevision() > 0 && (serializable || op.kind() == Kind.GET_FOR_UPDATE)) {
                        expect(pointMods, op.key(), op.read().isEmpty() ? 0L : op.read().get(0).modRevision());
                    }
                }
                case RANGE -> {
                    if (serializable) {
                        for (KeyVersion kv : op.read()) {
                            if (kv.modRevision() > 0) {
                                expect(pointMods, kv.key(), kv.modRevision());
                            }
                        }
                        compares.add(new Compare(op.key(), Optional.of(op.end().orElse(Bytes.EMPTY)), Compare.Target.MOD,
                            Compare.Op.LESS, op.readRevision() + 1, Bytes.EMPTY));
                    }
                }
                default -> {
                }
            }
        }
        if (firstCommitterWins()) {
            for (Bytes key : writes.keySet()) {
                if (!pointMods.containsKey(key)) {
                    pointMods.put(key, ctx.reader().get(key, startRevision).map(KeyVersion::modRevision).orElse(0L));
                }
            }
        }
        pointMods.forEach((key, mod) -> compares.add(Compare.modRevision(key, Compare.Op.EQUAL, mod)));
        return compares;
    }

    /**
     * Adds that {@code key} must have mod revision {@code mod} at the commit point. A key read at
     * two different versions fails at once: no single point has both, and a compare on either one
     * alone could pass (the key absent at the first read, created, read, and deleted again).
     */
    private void expect(java.util.Map<Bytes, Long> pointMods, Bytes key, long mod) {
        Long earlier = pointMods.putIfAbsent(key, mod);
        if (earlier != null && earlier != mod) {
            throw new KvException(ErrorCode.CONFLICT, "transaction " + id + " read key " + key + " in two versions "
                + "(mod revisions " + earlier + " and " + mod + "): another transaction changed it meanwhile; "
                + "retry the transaction");
        }
    }

    /** Whether a key written must be unchanged since the start revision (snapshot isolation's rule). */
    private boolean firstCommitterWins() {
        return options.isolation() == Isolation.REPEATABLE_READ
            || options.isolation() == Isolation.SERIALIZABLE && !pessimistic();
    }

    private CommitSequencer.Validator validator() {
        return reads.validator(writes.keySet(), firstCommitterWins() ? startRevision : -1,
            options.isolation() == Isolation.SERIALIZABLE);
    }

    @Override
    public void rollback() {
        opLock.lock();
        try {
            if (state == TxnState.ACTIVE) {
                end(TxnState.ROLLED_BACK);
                ctx.counters().rollbacks.increment();
            }
        } finally {
            opLock.unlock();
        }
    }

    @Override
    public void close() {
        rollback();
    }

    @Override
    public List<TxnOperation> operations() {
        opLock.lock();
        try {
            return List.copyOf(ops);
        } finally {
            opLock.unlock();
        }
    }

    /**
     * Called by the reaper once the deadline has passed: rolls the transaction back now if no
     * operation is running, else wakes the operation from any lock wait so that it ends it.
     */
    public void expire(long nowNanos) {
        if (state != TxnState.ACTIVE || nowNanos - deadlineNanos < 0) {
            return;
        }
        KvException reason = timeoutError();
        if (opLock.tryLock()) {
            try {
                if (state == TxnState.ACTIVE) {
                    abort(reason);
                }
            } finally {
                opLock.unlock();
            }
        } else if (ctx.locks() != null) {
            ctx.locks().abort(owner, reason);
        }
    }

    /** Fails a lock wait under way, and every later lock request, with {@code reason}. */
    void barFromLocks(KvException reason) {
        if (ctx.locks() != null) {
            ctx.locks().abort(owner, reason);
        }
    }

    /**
     * Aborts the transaction with {@code reason} whatever it is doing: wakes it from a lock wait,
     * waits for an operation under way to end, then aborts it unless it ended meanwhile.
     */
    public void terminate(KvException reason) {
        if (state != TxnState.ACTIVE) {
            return;
        }
        barFromLocks(reason);
        opLock.lock();
        try {
            if (state == TxnState.ACTIVE) {
                abort(reason);
            }
        } finally {
            opLock.unlock();
        }
    }

    private <T> T run(Supplier<T> op) {
        opLock.lock();
        try {
            checkActive();
            if (System.nanoTime() - deadlineNanos >= 0) {
                KvException timeout = timeoutError();
                abort(timeout);
                throw timeout;
            }
            return op.get();
        } catch (KvException e) {
            if (state == TxnState.ACTIVE && endsTransaction(e.code())) {
                abort(e);
            }
            throw e;
        } finally {
            opLock.unlock();
        }
    }

    private static boolean endsTransaction(ErrorCode code) {
        return code.retryable() || code == ErrorCode.TXN_TIMEOUT || code == ErrorCode.IO_ERROR
            || code == ErrorCode.CLOSED || code == ErrorCode.COMPACTED;
    }

    private void checkActive() {
        if (state == TxnState.ACTIVE) {
            return;
        }
        KvException reason = abortReason;
        if (reason != null && reason.code() == ErrorCode.TXN_TIMEOUT) {
            throw new KvException(ErrorCode.TXN_TIMEOUT, "transaction " + id + " timed out and was rolled back");
        }
        throw new KvException(ErrorCode.TXN_NOT_ACTIVE, "transaction " + id + " is " + state
            + (reason == null ? "" : " (" + reason.getMessage() + ")"));
    }

    private void checkWritable() {
        if (options.readOnly()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "transaction " + id + " is read-only");
        }
    }

    private long readRevision() {
        if (snapshotReads()) {
            return startRevision;
        }
        if (replicas != null) {
            replicas.awaitReadable();
        }
        return ctx.sequencer().published();
    }

    private void checkUnchangedSinceStart(Bytes key) {
        long mod = ctx.sequencer().state().modRevision(key);
        if (mod > startRevision) {
            throw new KvException(ErrorCode.CONFLICT, "key " + key + " was changed at revision " + mod
                + " after transaction " + id + " started at " + startRevision + "; retry the transaction");
        }
    }

    private void lock(Bytes key, LockMode mode) {
        long remaining = deadlineNanos - System.nanoTime();
        Duration wait = Duration.ofNanos(Math.max(0, Math.min(options.lockWaitTimeout().toNanos(), remaining)));
        try {
            ctx.locks().acquire(owner, key, mode, wait);
        } catch (KvException e) {
            if (e.code() == ErrorCode.LOCK_TIMEOUT && System.nanoTime() - deadlineNanos >= 0) {
                throw timeoutError();
            }
            throw e;
        }
    }

    private KvException timeoutError() {
        return new KvException(ErrorCode.TXN_TIMEOUT, "transaction " + id + " ran past its timeout of "
            + options.timeout() + " and was rolled back");
    }

    private void abort(KvException reason) {
        abortReason = reason;
        ctx.counters().aborted(reason.code());
        end(TxnState.ABORTED);
    }

    private void end(TxnState finalState) {
        state = finalState;
        writes.clear();
        if (ctx.locks() != null && pessimistic()) {
            ctx.locks().releaseAll(owner);
        }
        ctx.onEnd().accept(this);
    }
}
