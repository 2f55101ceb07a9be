package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.internal.CommitSequencer;
import io.concordkv.txn.internal.ConditionalTxnRunner;
import io.concordkv.txn.internal.HistoryCompactor;
import io.concordkv.txn.internal.InteractiveTxn;
import io.concordkv.txn.internal.MvccKeys;
import io.concordkv.txn.internal.ReadGate;
import io.concordkv.txn.internal.StoreOpening;
import io.concordkv.txn.internal.TxnContext;
import io.concordkv.txn.internal.TxnCounters;
import io.concordkv.txn.internal.TxnRegistry;
import io.concordkv.txn.internal.VersionReader;
import io.concordkv.txn.internal.VersionRecord;
import io.concordkv.txn.internal.VersionedEngine;
import io.concordkv.txn.lock.StripedLockTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * The embedded store with revisions and transactions: what a Java program (and later the server)
 * uses. Every committed write (put, delete, conditional or interactive transaction) gets one
 * revision from the {@link TimestampSource}; every key carries etcd's create revision, mod
 * revision and version; reads are served at the latest or any retained revision; old versions
 * are dropped by history compaction. Layout in the underlying {@link KvStore}:
 * {@code io.concordkv.txn.internal.MvccKeys}. Thread-safe.
 */
public final class MvccStore implements AutoCloseable {
    /**
     * The revision of a store no write has reached yet, as in etcd: the first commit gets 2, and no
     * response header carries 0, which etcd clients read as "unset" or "the latest".
     */
    public static final long FIRST_REVISION = 1;

    private final KvStore store;
    private final MvccOptions options;
    private final CommitSequencer sequencer;
    private final VersionReader reader;
    private final ConditionalTxnRunner conditional;
    private final HistoryCompactor compactor;
    private final StripedLockTable locks;
    private final TxnRegistry registry = new TxnRegistry();
    private final TxnCounters counters = new TxnCounters();
    private final TxnContext txnContext;
    private final MvccMaintenance maintenance;
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong versionsCompacted = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Held shared by {@link #begin}, exclusively while a compaction picks and moves its point. */
    private final StampedLock pins = new StampedLock();
    /**
     * Held by a compaction while it picks its point and drops what it lets go, by an image being
     * written (which needs the history of its revision), and by a restore.
     */
    private final Object compactionLock = new Object();
    /** Readers pass it; a restore closes it while it replaces the data. */
    private final ReadGate gate = new ReadGate();
    private final StoreImages images;

    private MvccStore(KvStore store, VersionedEngine versions, MvccOptions options) {
        this.store = store;
        this.options = options;
        TimestampSource timestamps = options.timestamps().get();
        timestamps.advancePast(Math.max(FIRST_REVISION, StoreOpening.lastRevision(store)));
        this.sequencer = new CommitSequencer(store, versions, timestamps,
            StoreOpening.readMeta(store, MvccKeys.META_COMPACTED));
        this.reader = new VersionReader(store, versions, sequencer);
        this.conditional = new ConditionalTxnRunner(sequencer, store.options().limits());
        this.compactor = new HistoryCompactor(store, sequencer);
        this.locks = new StripedLockTable(options.locks());
        this.txnContext = new TxnContext(sequencer, reader, locks, store.options().limits(),
            registry::remove, counters);
        this.maintenance = new MvccMaintenance(this, options, registry);
        this.images = new StoreImages(store, sequencer, gate, registry, maintenance, compactionLock, pins);
    }

    /**
     * Opens (or creates) the store in {@code dir}.
     *
     * @throws KvException as {@link KvStore#open}; {@code INVALID_ARGUMENT} when the directory
     *     holds a plain (non-MVCC) store; {@code CORRUPTION} when a restore a crash interrupted
     *     cannot be finished (see {@link #restoreImage})
     */
    public static MvccStore open(Path dir, MvccOptions options) {
        // an in-memory engine holds versions as objects (VersionedEngine); the lsm engine, for data
        // larger than memory, holds their bytes
        VersionedEngine[] versions = new VersionedEngine[1];
        KvStore store = KvStore.open(dir, options.store(), engine -> {
            if (engine.isPersistent()) {
                return engine;
            }
            versions[0] = new VersionedEngine(engine);
            return versions[0];
        });
        try {
            StoreOpening.prepare(store);
            return new MvccStore(store, versions[0], options);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The newest revision: every write up to it is visible. */
    public long currentRevision() {
        return sequencer.published();
    }

    /** Reads below this revision fail with {@code COMPACTED}. */
    public long compactedRevision() {
        return sequencer.compacted();
    }

    public Optional<KeyVersion> get(Bytes key) {
        return gate.read(() -> reader.get(key, sequencer.published()));
    }

    /**
     * {@code key} as it was at {@code revision}.
     *
     * @throws KvException {@code COMPACTED} below the compacted revision, {@code FUTURE_REVISION}
     *     above the current one
     */
    public Optional<KeyVersion> get(Bytes key, long revision) {
        return gate.read(() -> reader.get(key, revision));
    }

    public RangeResult range(ScanRange range) {
        return gate.read(() -> reader.range(range, sequencer.published()));
    }

    /** The live keys of {@code range} at {@code revision}: one consistent snapshot across keys. */
    public RangeResult range(ScanRange range, long revision) {
        return gate.read(() -> reader.range(range, revision));
    }

    public WriteResult put(Bytes key, Bytes value) {
        return put(key, value, 0);
    }

    public WriteResult put(Bytes key, Bytes value, long lease) {
        if (sequencer.quickPuts()) {
            checkPut(key, value);
            CommitSequencer.Put put = sequencer.put(key, value, lease);
            put.ticket().await();
            return writeResult(key, put);
        }
        return CommitSequencer.join(putAsync(key, value, lease));
    }

    private void checkPut(Bytes key, Bytes value) {
        ensureOpen();
        store.options().limits().checkKey(key);
        store.options().limits().checkValue(value);
    }

    /**
     * As {@link #put(Bytes, Bytes, long)}, without a thread waiting for the fsync: the future
     * completes on the thread that finishes the group commit (possibly this one, before returning),
     * so dependent stages should be quick. For servers, where a thread per write in flight costs
     * more than the write.
     */
    public CompletableFuture<WriteResult> putAsync(Bytes key, Bytes value, long lease) {
        try {
            checkPut(key, value);
            if (sequencer.quickPuts()) {
                CommitSequencer.Put put = sequencer.put(key, value, lease);
                return CommitSequencer.whenDone(put.ticket(), () -> writeResult(key, put));
            }
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CommitSequencer.Mutation> mutations = List.of(new CommitSequencer.Mutation(key, value, lease));
        return sequencer.commitAsync(mutations, CommitSequencer.Validator.NONE)
            .thenApply(outcome -> writeResult(mutations, outcome));
    }

    /** Deletes {@code key}; a delete of an absent key changes nothing and uses no revision. */
    public WriteResult delete(Bytes key) {
        ensureOpen();
        store.options().limits().checkKey(key);
        return write(List.of(CommitSequencer.Mutation.delete(key)));
    }

    /** Deletes every key in {@code range} atomically, as one revision. */
    public WriteResult deleteRange(ScanRange range) {
        return CommitSequencer.join(deleteRangeAsync(range));
    }

    /** As {@link #deleteRange}, completing without a thread waiting for the fsync (see {@link #putAsync}). */
    public CompletableFuture<WriteResult> deleteRangeAsync(ScanRange range) {
        return txnAsync(new TxnRequest(List.of(), List.of(new TxnOp.DeleteRange(range, true)), List.of()))
            .thenApply(r -> new WriteResult(r.revision(), ((TxnResponse.DeleteResponse) r.results().get(0)).previous()));
    }

    private WriteResult write(List<CommitSequencer.Mutation> mutations) {
        return writeResult(mutations, sequencer.commit(mutations, CommitSequencer.Validator.NONE));
    }

    private static WriteResult writeResult(List<CommitSequencer.Mutation> mutations, CommitSequencer.Outcome outcome) {
        return writeResult(mutations.get(0).key(), outcome);
    }

    private static WriteResult writeResult(Bytes key, CommitSequencer.Put put) {
        return new WriteResult(put.revision(), new ReplacedVersion(key, put.replaced()));
    }

    private static WriteResult writeResult(Bytes key, CommitSequencer.Outcome outcome) {
        // a put or a delete of one key replaces at most one live version
        List<VersionRecord> replaced = outcome.previous();
        return new WriteResult(outcome.revision(), new ReplacedVersion(key, replaced.isEmpty() ? null : replaced.get(0)));
    }

    /** Runs a single-round conditional transaction (etcd's {@code Txn}) atomically. */
    public TxnResponse txn(TxnRequest request) {
        ensureOpen();
        return conditional.run(request);
    }

    /** As {@link #txn}, completing without a thread waiting for the fsync (see {@link #putAsync}). */
    public CompletableFuture<TxnResponse> txnAsync(TxnRequest request) {
        try {
            ensureOpen();
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
        return conditional.runAsync(request);
    }

    /** Begins an interactive transaction; see {@link Transaction}. */
    public Transaction begin(TxnOptions txnOptions) {
        return begin(txnOptions, null);
    }

    /**
     * Begins an interactive transaction of a store that is one replica of many: its reads wait for
     * {@code replicas} to say they are linearizable, and it commits through them, not into this
     * store directly (see {@link ReplicatedCommits}). Its locks, if pessimistic, are this
     * replica's: transactions begun through different replicas meet only at commit.
     *
     * @param replicas null for a store of its own (as {@link #begin(TxnOptions)})
     */
    public Transaction begin(TxnOptions txnOptions, ReplicatedCommits replicas) {
        ensureOpen();
        if (replicas != null) {
            replicas.awaitReadable();
        }
        InteractiveTxn txn;
        // registered under the pin lock, so a compaction either sees this transaction's start
        // revision or moved its point before the transaction read the published revision
        long stamp = pins.readLock();
        try {
            txn = new InteractiveTxn(registry.nextId(), txnOptions, sequencer.published(), System.nanoTime(),
                txnContext, replicas);
            registry.add(txn);
        } finally {
            pins.unlockRead(stamp);
        }
        counters.begun.increment();
        return txn;
    }

    /**
     * Drops the versions no read at or after {@code revision} needs. Open transactions that read
     * older revisions keep theirs: the compaction then stops below the oldest of them (the report
     * says where).
     *
     * @throws KvException {@code COMPACTED} if {@code revision} is already compacted,
     *     {@code FUTURE_REVISION} if it is newer than the current revision
     */
    public CompactionReport compact(long revision) {
        ensureOpen();
        long target;
        synchronized (compactionLock) {
            long stamp = pins.writeLock();
            try {
                if (revision > sequencer.compacted() && revision <= sequencer.published()) {
                    target = Math.min(revision, registry.oldestPinned(revision));
                    if (target <= sequencer.compacted()) {
                        return new CompactionReport(revision, sequencer.compacted(), 0, 0);
                    }
                } else {
                    target = revision;
                }
                compactor.advance(target);
            } finally {
                pins.unlockWrite(stamp);
            }
            return finishCompaction(revision, target);
        }
    }

    private CompactionReport finishCompaction(long revision, long target) {
        HistoryCompactor.Result r = compactor.drop(target);
        compactions.incrementAndGet();
        versionsCompacted.addAndGet(r.versionsRemoved());
        return new CompactionReport(revision, r.revision(), r.versionsRemoved(), r.tombstonesRemoved());
    }

    /**
     * Adds a listener told of every later commit once it is visible, in revision order. Returns
     * the last revision before it: read the changes up to it with {@link #changes}.
     */
    public long addChangeListener(ChangeListener listener) {
        ensureOpen();
        return sequencer.addListener(listener);
    }

    public void removeChangeListener(ChangeListener listener) {
        sequencer.removeListener(listener);
    }

    /**
     * Every change to a key in {@code keys} (its limit and direction ignored) at revisions
     * {@code from} to {@code to} inclusive, in revision order: what a watcher that starts in the
     * past is sent first.
     *
     * @throws KvException {@code COMPACTED} when {@code from} is not above the compacted revision
     *     (a delete at the compacted revision itself may be gone), {@code FUTURE_REVISION} when
     *     {@code to} is newer than the current revision
     */
    public List<ChangeEvent> changes(ScanRange keys, long from, long to) {
        ensureOpen();
        return gate.read(() -> {
            checkChangesReadable(from, to);
            List<ChangeEvent> out = io.concordkv.txn.internal.ChangeEvents.read(store, keys, Math.max(1, from), to);
            checkChangesReadable(from, to);
            return out;
        });
    }

    private void checkChangesReadable(long from, long to) {
        long compacted = sequencer.compacted();
        if (compacted > 0 && from <= compacted) {
            throw new KvException(ErrorCode.COMPACTED, "changes from revision " + from
                + " have been compacted (compacted revision " + compacted + ")");
        }
        sequencer.checkReadable(Math.max(to, compacted));
    }

    /**
     * Durable unversioned records beside the versioned keys (lease records, for instance): never
     * seen by reads, ranges or watchers, not part of revisions. Written through the store's log
     * with its fsync policy.
     */
    public void putSystem(Bytes name, Bytes value) {
        ensureOpen();
        gate.shared(() -> {
            store.put(MvccKeys.system(name), value);
            return null;
        });
    }

    public void deleteSystem(Bytes name) {
        ensureOpen();
        gate.shared(() -> {
            store.delete(MvccKeys.system(name));
            return null;
        });
    }

    /** The system records whose names start with {@code prefix}, in name order, names without the namespace. */
    public List<io.concordkv.storage.KeyValue> scanSystem(Bytes prefix) {
        ensureOpen();
        return gate.read(() -> {
            List<io.concordkv.storage.KeyValue> out = new java.util.ArrayList<>();
            for (io.concordkv.storage.KeyValue kv : store.scan(ScanRange.prefix(MvccKeys.system(prefix)))) {
                out.add(new io.concordkv.storage.KeyValue(MvccKeys.nameOfSystem(kv.key()), kv.value()));
            }
            return out;
        });
    }

    /**
     * Writes an image of the store's whole state to {@code out} (flushed, not closed): every
     * retained version of every key with its create and mod revisions and version, the tombstones,
     * the current and compacted revisions, and the system records; the format is in this
     * package's documentation. The image is of the current revision when the call starts (the
     * last commit numbered, waited for until applied); commits go on meanwhile and are not in it.
     * System records are as they are when the image reaches them: a caller whose system records
     * must match the revision (a state machine's lease records) holds its own writes off. History
     * compaction and restores wait until the image is written.
     *
     * @throws KvException {@code IO_ERROR} when {@code out} fails
     */
    public void writeImage(java.io.OutputStream out) {
        ensureOpen();
        images.write(out);
    }

    /**
     * Captures the state now, for an image of it written later on any thread while commits go on
     * ({@link ImageCapture#writeTo}): a replicated state machine's apply thread captures at a log
     * index and goes on applying while another thread writes the snapshot. History compaction
     * stops below the captured revision until the image is written or the capture closed.
     */
    public ImageCapture captureImage() {
        ensureOpen();
        return images.capture();
    }

    /**
     * Replaces the store's whole state with the image in {@code in} (read to its end), as
     * {@link #writeImage} wrote it, here or on another store: afterwards every read, revision,
     * compaction point and system record is the image's, exactly as if the store had been opened
     * on the data the image was taken from, and the next commit gets the image's revision plus one.
     *
     * <p>The image is first copied beside the store ({@code DIR/restore-image}) and checked whole;
     * a damaged one changes nothing. Then, with commits, transaction begins, compactions and
     * readers held off, open transactions are aborted ({@code UNAVAILABLE}, retry), every commit
     * in flight completes and is told to the change listeners, the data is replaced and made
     * durable, and the listeners are told {@link ChangeListener#onReset}. A reader sees the old
     * state or the new one, never a mix. A crash during the replacement is finished by the next
     * open.
     *
     * @throws KvException {@code CORRUPTION} for a damaged, truncated or inconsistent image,
     *     {@code UNSUPPORTED} for an image format this build does not read,
     *     {@code KEY_TOO_LARGE}, {@code VALUE_TOO_LARGE} or {@code REQUEST_TOO_LARGE} for a record
     *     over this store's limits (the store unchanged in all these cases); {@code IO_ERROR} when
     *     the copy or the store fails (if during the replacement, the store refuses everything
     *     until it is reopened, which finishes the restore)
     */
    public void restoreImage(java.io.InputStream in) {
        ensureOpen();
        images.restore(in);
    }

    /** How many times {@link #restoreImage} has replaced the store's state since it was opened. */
    public long restores() {
        return images.restores();
    }

    public MvccStats stats() {
        return new MvccStats(sequencer.published(), sequencer.compacted(), registry.size(), counters.begun.sum(),
            counters.commits.sum(), counters.rollbacks.sum(), counters.conflicts.sum(), counters.deadlocks.sum(),
            counters.lockTimeouts.sum(), counters.timeouts.sum(), locks.stats().waits(), compactions.get(), versionsCompacted.get(),
            store.stats());
    }

    /** The embedded store underneath (for snapshots, log compaction, statistics). */
    public KvStore kvStore() {
        return store;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new KvException(ErrorCode.CLOSED, "store is closed");
        }
        gate.checkUsable();
    }

    /** Rolls back open transactions, stops background work and closes the store. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        maintenance.close();
        locks.close();
        registry.rollbackAll();
        store.close();
    }
}
