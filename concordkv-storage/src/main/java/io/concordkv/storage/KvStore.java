package io.concordkv.storage;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import io.concordkv.storage.internal.EngineWritePath;
import io.concordkv.storage.internal.GroupCommitWriter;
import io.concordkv.storage.internal.LogCompactor;
import io.concordkv.storage.internal.WalCodec;
import io.concordkv.storage.internal.WritePath;
import io.concordkv.storage.log.CompactionResult;
import io.concordkv.storage.log.LogOptions;
import io.concordkv.storage.log.RecoveryReport;
import io.concordkv.storage.log.SegmentedLog;
import io.concordkv.storage.snapshot.SnapshotCatalog;
import io.concordkv.storage.snapshot.SnapshotFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded ConcordKV store: a storage engine made durable by a write-ahead log, opened on a
 * directory. What a Java program uses in-process, with no server.
 *
 * <pre>
 *   DIR/LOCK        held while the store is open, so two processes cannot open DIR
 *   DIR/ENGINE      the engine the store was last opened with (text, one line)
 *   DIR/LOG_DEPENDENCIES  present once an engine whose log records may depend on earlier ones
 *                   ({@link LogDependencies}: the MVCC store's) has opened DIR
 *   DIR/wal/        the segmented write-ahead log (format: {@code io.concordkv.storage.log})
 *   DIR/snapshots/  full and incremental snapshots (format: {@code io.concordkv.storage.snapshot})
 *   DIR/lsm/        RocksDB's files, for the lsm engine (which has no ConcordKV log: RocksDB logs itself)
 * </pre>
 *
 * <p>A write is logged, synced according to the {@link FsyncPolicy}, applied to the engine, and
 * only then returns; concurrent writers share log writes and fsyncs (group commit). Reads go to
 * the engine and never wait for the log. Opening loads the newest snapshot chain, then replays
 * the log after it. The log is
 * compacted in the background once it passes {@link StoreOptions#compactionEntries()} records or
 * {@link StoreOptions#compactionBytes()} bytes (or four times its size after the previous compaction),
 * keeping each key's last operation (and any operation a later record depends on,
 * {@link StorageEngine#logDependencies}).
 *
 * <p>After a failed write or fsync the store turns read-only: writes fail with {@code IO_ERROR}
 * giving the first failure; reads go on. Thread-safe.
 */
public final class KvStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvStore.class);
    private static final long RECORD_OVERHEAD = 17;

    private final Path dir;
    private final StoreOptions options;
    private final AutoCloseable dirLock;
    private final StorageEngine engine;
    private final SegmentedLog log;
    private final WritePath writePath;
    private final RecoveryReport recovery;
    private final ScheduledExecutorService syncTimer;
    private final ExecutorService windowSyncer;
    private final ExecutorService compactor;
    private final AtomicBoolean compacting = new AtomicBoolean();
    private final AtomicLong logRecords = new AtomicLong();
    private final AtomicLong logBytes = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong compactionBytesSaved = new AtomicLong();
    private final SnapshotCatalog snapshots;
    /** Serialises compaction and snapshots: both rewrite or delete sealed log segments. */
    private final Object maintenanceLock = new Object();
    /** Keys changed since the last snapshot; touched only with the log held (apply callback, withLog). */
    private final Set<Bytes> changed = new HashSet<>();
    private volatile boolean trackChanges;
    private boolean nextSnapshotFull;
    /**
     * A range delete was applied since the last snapshot: the next one must be full (an
     * incremental one lists changed keys, and a range delete's keys are not known). Guarded by
     * the log, like {@link #changed}.
     */
    private boolean rangeDeleted;
    /**
     * Why the log must not be compacted or snapshotted here, or null: it may hold records that
     * depend on earlier ones and this store's engine does not know which ({@link DirectoryMarkers}).
     */
    private String rewriteRefusal;
    /** Whether the log may hold a range delete: then its compaction reads the ranges first. */
    private volatile boolean logHasRanges;
    /** A compaction starts once the log has grown to this many times what the previous one left. */
    static final int COMPACTION_GROWTH = 4;
    private volatile long recordsTrigger;
    private volatile long bytesTrigger;
    private volatile boolean closed;

    private KvStore(Path dir, StoreOptions options, AutoCloseable dirLock, StorageEngine engine, SegmentedLog log,
                    SnapshotCatalog snapshots, Set<Bytes> changedSinceSnapshot,
                    boolean rangeDeletedSinceSnapshot) {
        this.windowSyncer = Executors.newSingleThreadExecutor(daemon("concordkv-wal-syncer"));
        this.dir = dir;
        this.changed.addAll(changedSinceSnapshot);
        this.rangeDeleted = rangeDeletedSinceSnapshot;
        this.snapshots = snapshots;
        this.trackChanges = snapshots != null && !snapshots.isEmpty();
        this.options = options;
        this.dirLock = dirLock;
        this.engine = engine;
        this.log = log;
        if (log == null) {
            this.writePath = new EngineWritePath(engine, options.fsync(), options.batchSyncOps(),
                options.batchSyncInterval(), options.clock());
            this.recovery = new RecoveryReport(0, 0, List.of());
        } else {
            this.writePath = new GroupCommitWriter(log, engine, options.fsync(), options.batchSyncOps(),
                options.batchSyncInterval(), options.clock(), this::recordChange, windowSyncer);
            RecoveryReport logReport = log.recoveryReport();
            List<String> events = new ArrayList<>(snapshots == null ? List.of() : snapshots.events());
            events.addAll(logReport.events());
            this.recovery = new RecoveryReport(logReport.records(), logReport.truncatedBytes(), events);
            logRecords.set(log.records());
            logBytes.set(log.bytes());
        }
        resetTriggers();
        this.syncTimer = Executors.newSingleThreadScheduledExecutor(daemon("concordkv-wal-sync"));
        this.compactor = Executors.newSingleThreadExecutor(daemon("concordkv-compaction"));
        if (options.fsync() != FsyncPolicy.ALWAYS) {
            long periodMs = Math.max(1, options.batchSyncInterval().toMillis() / 10);
            syncTimer.scheduleWithFixedDelay(writePath::syncIfDue, periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens the store in {@code dir}, creating it if needed, and recovers its contents.
     *
     * @throws KvException {@code LOCKED} when another process has the directory open;
     *     {@code CORRUPTION} (with file and offset) when the log is damaged before its tail and
     *     salvage is off; {@code IO_ERROR} when files cannot be read or written
     */
    public static KvStore open(Path dir, StoreOptions options) {
        return open(dir, options, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #open(Path, StoreOptions)}, with the engine the options name passed through
     * {@code wrap} before anything is read into it: a layer above the store that keeps its data in
     * a layout of its own (the MVCC store) may hold it in an engine of its own that speaks the same
     * byte interface. The wrapper is the engine from then on: recovery, snapshots, log compaction
     * and every read and write go through it, and closing the store closes it.
     */
    public static KvStore open(Path dir, StoreOptions options, java.util.function.UnaryOperator<StorageEngine> wrap) {
        FileIo io = options.io();
        AutoCloseable lock = lockDirectory(io, dir);
        StorageEngine engine = null;
        try {
            DirectoryMarkers.checkEngine(io, dir, options.engine());
            EngineConfig config = EngineConfig.of(options.engine()).withLimits(options.limits())
                .withDataDir(dir.resolve("lsm")).withSyncWrites(options.fsync() == FsyncPolicy.ALWAYS)
                .withUnindexedPrefix(options.unindexedPrefix());
            engine = StorageEngines.open(config);
            engine = java.util.Objects.requireNonNull(wrap.apply(engine), "the wrapped engine");
            String refusal = DirectoryMarkers.checkDependencies(io, dir, engine,
                !engine.isPersistent() && options.fsync() != FsyncPolicy.OFF);
            SegmentedLog log = null;
            SnapshotCatalog snapshots = null;
            Set<Bytes> changedSinceSnapshot = Set.of();
            boolean rangeDeletedSinceSnapshot = false;
            boolean logRanges = false;
            if (!engine.isPersistent() && options.fsync() != FsyncPolicy.OFF) {
                long start = System.nanoTime();
                snapshots = new SnapshotCatalog(io, dir.resolve("snapshots"), options.salvage());
                loadSnapshots(snapshots, engine);
                StorageEngine target = engine;
                LogOptions logOptions = new LogOptions(io, options.segmentBytes(), options.salvage());
                // keys changed since the last snapshot, for the next incremental one
                Set<Bytes> replayedKeys = new HashSet<>();
                boolean[] replayedRange = {false};
                boolean track = !snapshots.isEmpty();
                log = SegmentedLog.open(dir.resolve("wal"), logOptions, snapshots.lastIndex(), record -> {
                    WriteBatch batch = WalCodec.decode(record.payload());
                    target.write(batch);
                    replayedRange[0] |= batch.hasRangeDeletes();
                    if (track) {
                        for (WriteBatch.Op op : batch.ops()) {
                            replayedKeys.add(op.key());
                            addAlsoWritten(target, op, replayedKeys);
                        }
                    }
                });
                changedSinceSnapshot = replayedKeys;
                rangeDeletedSinceSnapshot = track && replayedRange[0];
                logRanges = replayedRange[0];
                LOG.info("opened store {} (engine {}): {} snapshot files to index {}, {} log records, {} ms{}", dir,
                    options.engine(), snapshots.chainLength(), snapshots.lastIndex(), log.recoveryReport().records(),
                    (System.nanoTime() - start) / 1_000_000,
                    log.recoveryReport().clean() && snapshots.events().isEmpty() ? ""
                        : "; repairs: " + snapshots.events() + " " + log.recoveryReport().events());
            }
            KvStore store = new KvStore(dir, options, lock, engine, log, snapshots, changedSinceSnapshot,
                rangeDeletedSinceSnapshot);
            store.logHasRanges = logRanges;
            store.rewriteRefusal = refusal;
            if (snapshots != null && snapshots.leftOutDamaged()) {
                // make the salvage stick: a fresh full snapshot replaces the damaged chain
                store.nextSnapshotFull = true;
                try {
                    store.snapshot();
                } catch (RuntimeException e) {
                    store.close();
                    throw e;
                }
            }
            return store;
        } catch (IOException e) {
            engine.close();
            closeQuietly(lock);
            throw new KvException(ErrorCode.IO_ERROR, "cannot open store " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            closeQuietly(lock);
            throw e;
        }
    }

    /**
     * The engine recorded in {@code dir} when the store was created, if there is a store there.
     * In-memory engines can replace one another (they all rebuild from the same log); the
     * {@code lsm} engine keeps its own files, so it cannot.
     */
    public static Optional<String> recordedEngine(Path dir, FileIo io) {
        return DirectoryMarkers.recordedEngine(dir, io);
    }

    private static void loadSnapshots(SnapshotCatalog snapshots, StorageEngine engine) throws IOException {
        List<WriteBatch.Op> chunk = new ArrayList<>(4096);
        snapshots.load(op -> {
            chunk.add(op);
            if (chunk.size() == 4096) {
                engine.write(WriteBatch.of(chunk));
                chunk.clear();
            }
        });
        if (!chunk.isEmpty()) {
            engine.write(WriteBatch.of(chunk));
        }
    }

    private static AutoCloseable lockDirectory(FileIo io, Path dir) {
        try {
            io.createDirectories(dir);
            return io.lock(dir.resolve("LOCK"));
        } catch (IOException e) {
            throw new KvException(ErrorCode.LOCKED, "data directory " + dir + " is in use: " + e.getMessage(), e);
        }
    }

    /** The options the store was opened with. */
    public StoreOptions options() {
        return options;
    }

    /** Whether the engine keeps keys in order (a range delete then visits only its range). */
    public boolean isOrdered() {
        return engine.isOrdered();
    }

    public Optional<Bytes> get(Bytes key) {
        return engine.get(key);
    }

    public List<KeyValue> scan(ScanRange range) {
        return engine.scan(range);
    }

    public void put(Bytes key, Bytes value) {
        write(WriteBatch.builder().put(key, value).build());
    }

    public void delete(Bytes key) {
        write(WriteBatch.builder().delete(key).build());
    }

    /** Applies {@code batch} atomically and durably (per the fsync policy). */
    public void write(WriteBatch batch) {
        submit(batch).await();
    }

    /**
     * Queues {@code batch} behind every batch submitted before it and returns without waiting for
     * an fsync: batches are logged and applied in submission order, so a caller that must order
     * its writes (the MVCC layer, a consensus log) submits under its own lock and awaits the
     * ticket outside it. Under the {@code batch} and {@code never} policies the batch is already
     * applied when this returns. The ticket must be awaited.
     */
    public WriteTicket submit(WriteBatch batch) {
        ensureOpen();
        options.limits().checkBatch(batch);
        if (batch.isEmpty()) {
            return WriteTicket.DONE;
        }
        WriteTicket ticket = writePath.submit(batch);
        if (log != null) {
            if (batch.hasRangeDeletes() && !logHasRanges) {
                logHasRanges = true;
            }
            long records = logRecords.incrementAndGet();
            long bytes = logBytes.addAndGet(batch.payloadBytes() + RECORD_OVERHEAD + 9L * batch.size());
            if ((records >= recordsTrigger || bytes >= bytesTrigger) && rewriteRefusal == null
                && compacting.compareAndSet(false, true)) {
                try {
                    compactor.execute(this::compactInBackground);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    compacting.set(false);
                }
            }
        }
        return ticket;
    }

    /**
     * Makes every write applied so far durable, whatever the fsync policy (under {@code batch} and
     * {@code never} a write returns before it is synced): a barrier for callers that must know a
     * sequence of writes survives a crash before they go on.
     *
     * @throws KvException {@code IO_ERROR} when the sync fails (the store turns read-only),
     *     {@code CLOSED} after close
     */
    public void sync() {
        ensureOpen();
        writePath.sync();
    }

    /**
     * Compacts the log now: seals the active segment (a brief pause for writers) and rewrites the
     * sealed segments keeping each key's last operation. Returns what it saved.
     *
     * @throws KvException {@code UNSUPPORTED} when the log may hold records that depend on earlier
     *     ones and this store's engine does not know which (a plain store on an MVCC store's directory)
     */
    public CompactionResult compact() {
        ensureOpen();
        if (log == null) {
            return CompactionResult.NOTHING;
        }
        refuseRewrite();
        synchronized (maintenanceLock) {
            return compactLocked();
        }
    }

    private CompactionResult compactLocked() {
        try {
            GroupCommitWriter writer = (GroupCommitWriter) writePath;
            writer.withLog(l -> {
                l.rotate();
                return null;
            });
            CompactionResult result = log.rewriteSealed(new LogCompactor(snapshots.isEmpty(), logHasRanges,
                engine.logDependencies()));
            long[] size = writer.withLog(l -> new long[] {l.records(), l.bytes()});
            logRecords.set(size[0]);
            logBytes.set(size[1]);
            resetTriggers();
            if (result.segmentsBefore() > 0) {
                compactions.incrementAndGet();
                compactionBytesSaved.addAndGet(result.bytesSaved());
                LOG.info("compacted log of {}: {} segments, {} -> {} records, {} -> {} bytes ({} saved)", dir,
                    result.segmentsBefore(), result.recordsBefore(), result.recordsAfter(), result.bytesBefore(),
                    result.bytesAfter(), result.bytesSaved());
            }
            return result;
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "log compaction failed: " + e.getMessage(), e);
        }
    }

    private void compactInBackground() {
        try {
            if (!closed) {
                compact();
            }
        } catch (KvException e) {
            LOG.warn("background log compaction of {} failed: {}", dir, e.getMessage());
        } finally {
            compacting.set(false);
        }
    }

    private void resetTriggers() {
        recordsTrigger = Math.max(options.compactionEntries(), COMPACTION_GROWTH * logRecords.get());
        bytesTrigger = Math.max(options.compactionBytes(), COMPACTION_GROWTH * logBytes.get());
    }

    /**
     * Writes a snapshot at the current log index and deletes the log segments it covers. It is
     * full when there is none yet or the chain of incrementals has reached
     * {@link StoreOptions#maxSnapshotChain()}, else incremental (only the keys changed since the
     * previous one). Writers pause only while the image is captured in memory (references to the
     * immutable keys and values); the file is written while they go on.
     *
     * @throws KvException {@code UNSUPPORTED} for the lsm engine, which persists by itself, and as
     *     {@link #compact} does
     */
    public SnapshotInfo snapshot() {
        ensureOpen();
        if (log == null) {
            throw new KvException(ErrorCode.UNSUPPORTED, "the lsm engine keeps its own files; it has no snapshots");
        }
        refuseRewrite();
        synchronized (maintenanceLock) {
            try {
                GroupCommitWriter writer = (GroupCommitWriter) writePath;
                boolean full = nextSnapshotFull || snapshots.isEmpty()
                    || snapshots.chainLength() > options.maxSnapshotChain();
                Capture capture = writer.withLog(l -> capture(l, full));
                long bytes;
                try {
                    bytes = snapshots.add(capture.full() ? SnapshotFile.Kind.FULL : SnapshotFile.Kind.INCREMENTAL,
                        capture.index(), capture.entries().iterator());
                } catch (IOException | RuntimeException e) {
                    nextSnapshotFull = true;
                    throw e;
                }
                nextSnapshotFull = false;
                int dropped = log.dropBefore(capture.index() + 1);
                SnapshotInfo info = new SnapshotInfo(capture.full(), capture.index(), capture.entries().size(), bytes, dropped);
                LOG.info("snapshot of {}: {}", dir, info);
                return info;
            } catch (IOException e) {
                throw new KvException(ErrorCode.IO_ERROR, "snapshot failed: " + e.getMessage(), e);
            }
        }
    }

    private void refuseRewrite() {
        if (rewriteRefusal != null) {
            throw new KvException(ErrorCode.UNSUPPORTED, rewriteRefusal);
        }
    }

    private record Capture(long index, boolean full, List<WriteBatch.Op> entries) {
    }

    /** With the log held: seals the active segment and copies what the snapshot will hold. */
    private Capture capture(SegmentedLog l, boolean fullAsked) throws IOException {
        l.rotate();
        boolean full = fullAsked || rangeDeleted;
        rangeDeleted = false;
        List<WriteBatch.Op> entries = new ArrayList<>();
        if (full) {
            for (KeyValue kv : engine.scan(ScanRange.all())) {
                entries.add(new WriteBatch.Put(kv.key(), kv.value()));
            }
        } else {
            List<Bytes> keys = new ArrayList<>(changed);
            keys.sort(null);
            for (Bytes key : keys) {
                Optional<Bytes> value = engine.get(key);
                entries.add(value.<WriteBatch.Op>map(v -> new WriteBatch.Put(key, v))
                    .orElseGet(() -> new WriteBatch.Delete(key)));
            }
        }
        changed.clear();
        // from the capture on: a write applied while the file is written belongs to the next one
        trackChanges = true;
        return new Capture(l.lastIndex(), full, entries);
    }

    /** Apply callback, with the log held. */
    private void recordChange(WriteBatch batch) {
        if (trackChanges) {
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.DeleteRange) {
                    rangeDeleted = true;
                } else {
                    changed.add(op.key());
                    addAlsoWritten(engine, op, changed);
                }
            }
        }
    }

    /** Adds to {@code keys} the key a put also writes when {@code engine} applies it ({@link LogDependencies#alsoWrites}). */
    private static void addAlsoWritten(StorageEngine engine, WriteBatch.Op op, Set<Bytes> keys) {
        if (op instanceof WriteBatch.Put p && engine.logDependencies() != LogDependencies.NONE) {
            byte[] also = engine.logDependencies().alsoWrites(p.key(), p.value());
            if (also != null) {
                keys.add(Bytes.wrap(also));
            }
        }
    }

    public StoreStats stats() {
        EngineStats e = engine.stats();
        int segments = log == null ? 0 : log.segments().size();
        long[] syncs = writePath instanceof GroupCommitWriter w ? w.syncStats() : new long[3];
        return new StoreStats(e.keyCount(), e.dataBytes(), segments, logRecords.get(), logBytes.get(),
            syncs[0], syncs[1], syncs[2], compactions.get(), compactionBytesSaved.get());
    }

    /** What opening found and repaired in the log. */
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    /** Why the store refuses writes, if it does (a failed write or fsync). */
    public Optional<String> readOnlyReason() {
        return writePath.failure().filter(f -> f.code() != ErrorCode.CLOSED).map(KvException::getMessage);
    }

    public Path directory() {
        return dir;
    }

    /** Syncs and closes; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        syncTimer.shutdownNow();
        compactor.shutdown();
        try {
            compactor.awaitTermination(1, TimeUnit.MINUTES);
            writePath.shutdown();
            windowSyncer.shutdown();
            windowSyncer.awaitTermination(1, TimeUnit.MINUTES);
            if (log != null) {
                log.close();
            }
        } catch (IOException e) {
            LOG.warn("closing store {}: {}", dir, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            engine.close();
            closeQuietly(dirLock);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new KvException(ErrorCode.CLOSED, "store " + dir + " is closed");
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("release failed: {}", e.getMessage());
        }
    }
}
