package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.Locks;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.LogDependencies;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.StampedLock;

/**
 * The in-memory engine of the MVCC store: the layout of {@link MvccKeys}, with every version kept
 * as a {@link VersionRecord} object instead of its encoded bytes, so that the MVCC layer reads and
 * writes versions without decoding, encoding or copying values.
 *
 * <ul>
 *   <li>Latest versions ({@code 'k'} keys): a {@link LatestTable} from user key to the version.
 *       Over an ordered wrapped engine (red-black tree, sorted array) a {@link LatestIndex} also
 *       keeps their keys in order, changed when a key first appears and when it goes (not when it
 *       is overwritten), for range scans; over the hash engine, which would only sort them, a scan
 *       sorts the table's keys itself.</li>
 *   <li>History ({@code 'h'} keys): a {@link HistoryLog}, sorted by history key; they sort by the
 *       revision that replaced each version, so commits add at its end and history compaction
 *       cuts its start.</li>
 *   <li>Everything else (metadata, system records) is stored in the wrapped engine as is.</li>
 * </ul>
 *
 * <p>Through {@link StorageEngine} it behaves exactly as an engine holding the encoded records
 * ({@link VersionRecord#encode}): the store's log, snapshots, recovery, compaction and images see
 * bytes, and a record that does not decode is refused with {@code CORRUPTION} before any of its
 * batch is applied. The MVCC layer's hot paths use {@link #latest}, {@link #history},
 * {@link #write(Bytes, VersionRecord, long, VersionRecord)} and {@link #commitPut} instead. Writers are serialised;
 * reads of latest versions take no lock, reads of history the lock's read side; a scan sees one
 * moment. Thread-safe.
 *
 * <p>A commit the MVCC layer logs is submitted with {@link #submit}, which names the versions its
 * batch encodes: when the store applies that batch, this engine files those objects instead of
 * decoding the records it was just given (recovery, which has only the bytes, decodes them).
 */
public final class VersionedEngine implements StorageEngine {
    private static final Bytes HISTORY_START = VersionScans.HISTORY_START;
    private static final Bytes HISTORY_END = VersionScans.HISTORY_END;
    /** The length of a history key with an empty user key: the namespace byte and the revision. */
    static final int HISTORY_KEY_MIN = MvccKeys.history(0, Bytes.EMPTY).length();

    private final StorageEngine inner;
    /** Read without a lock, changed under {@link #lock}. */
    private final LatestTable latest = new LatestTable();
    /** The latest versions' keys in order when {@link #inner} is ordered (null otherwise), under {@link #lock}. */
    private final LatestIndex ordered;
    /** Under {@link #lock}. */
    private final HistoryLog history = new HistoryLog();
    /**
     * Versions commits replaced and have not filed in {@link #history} yet ({@link #putReplacing}), all after its
     * entries in history-key order. Added and filed ({@link #fileUnfiled}, before anything reads or
     * changes history) under {@link #lock}'s write side; dropped by history compaction without it
     * ({@link #dropUnfiledBefore}), under the queue's own monitor.
     */
    private final UnfiledHistory unfiled = new UnfiledHistory();
    /** Ordered reads of the key space, under {@link #lock}. */
    private final VersionScans scans;
    /** Writers exclusively; scans and history reads shared, so a scan sees the ordered keys and the versions agree. */
    private final StampedLock lock = new StampedLock();
    /**
     * Bytes of the latest versions' counted records ({@link VersionRecord#countedSize}) and of
     * their keys, and of the records of history entries filed unmeasured
     * ({@link HistoryLog#addUnmeasured}); under the write lock. History counts the rest of its own.
     */
    private long versionBytes;
    /**
     * The commit {@link #submit} is submitting, until the store returns; null otherwise. Set and
     * read with release and acquire: a group commit's leader may apply the batch on another thread.
     */
    @SuppressWarnings("unused") // through ANNOUNCED
    private Announced announced;
    private static final java.lang.invoke.VarHandle ANNOUNCED;

    static {
        try {
            ANNOUNCED = java.lang.invoke.MethodHandles.lookup().findVarHandle(VersionedEngine.class, "announced",
                Announced.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One key's change in a commit: {@code next} becomes the latest version of {@code userKey},
     * {@code replaced} (null: none) the version it replaces, filed in history.
     */
    public record Change(Bytes userKey, VersionRecord next, VersionRecord replaced) {
    }

    /** A batch and the changes it encodes, all at {@code revision}. */
    private record Announced(WriteBatch batch, long revision, List<Change> changes) {
    }

    /** Wraps {@code inner}, an empty in-memory engine, which it owns from now on. */
    public VersionedEngine(StorageEngine inner) {
        if (inner.isPersistent()) {
            throw new IllegalArgumentException("a persistent engine keeps its own bytes: " + inner.name());
        }
        this.inner = inner;
        this.ordered = inner.isOrdered() ? new LatestIndex() : null;
        this.scans = new VersionScans(inner, ordered, latest, history);
    }

    /** The latest version of {@code userKey}, a tombstone included; null if there is none. */
    public VersionRecord latest(Bytes userKey) {
        return latest.get(userKey);
    }

    /**
     * The version filed in history under {@code historyKey} ({@link MvccKeys#history}); null if
     * there is none. Its {@code supersededAt} may be 0: the history key's revision is the one that
     * replaced it.
     */
    public VersionRecord history(Bytes historyKey) {
        long stamp = readLockFiled();
        try {
            return history.get(historyKey);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Makes {@code next}, written at {@code revision}, the latest version of {@code userKey}, first
     * filing {@code replaced} (the version it replaces, null for none) in history as replaced at
     * {@code revision}: what a batch of the two encoded records (the replaced one under
     * {@code MvccKeys.history(revision, userKey)}, marked {@code supersededBy(revision)}) would do,
     * in the same order.
     */
    public void write(Bytes userKey, VersionRecord next, long revision, VersionRecord replaced) {
        long stamp = Locks.writeLockSpinning(lock);
        try {
            fileAndPut(userKey, latest.node(userKey), next, revision, replaced);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Commits a put of {@code value} (with {@code lease}) to {@code userKey} at {@code revision}:
     * {@link #write(Bytes, VersionRecord, long, VersionRecord)} of
     * {@code VersionRecord.put(revision, value, lease, latest(userKey))}, with one probe of the
     * table and without reading the version replaced (the new one is made from the fields its
     * node keeps, {@link LatestTable.Node#putOver}); that one is filed as {@link #putReplacing}
     * does.
     *
     * @return the version replaced (a tombstone included), or null when the key is new
     */
    public VersionRecord commitPut(Bytes userKey, long revision, Bytes value, long lease) {
        long stamp = Locks.writeLockSpinning(lock);
        try {
            LatestTable.Node n = latest.node(userKey);
            if (n == null) {
                putLatest(userKey, null, VersionRecord.put(revision, value, lease, null));
                return null;
            }
            VersionRecord replaced = n.version;
            putReplacing(userKey, n, n.putOver(revision, value, lease), revision, replaced);
            return replaced;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * The entry of {@code userKey}'s latest version, or null: for a committer, which holds off
     * every writer of latest versions (the commit lock), to read its fields without this engine's
     * lock ({@link LatestTable.Node#putOver}).
     */
    LatestTable.Node node(Bytes userKey) {
        return latest.node(userKey);
    }

    /**
     * Caller holds the write lock: {@link #fileAndPut}, except that when {@code replaced} is the
     * latest version of {@code n} (not null) and {@code revision} comes after everything in
     * history, as a commit's does, the replaced version is queued unfiled ({@link UnfiledHistory})
     * instead of filed, unread: its record, counted while it was the latest, stays counted, marked
     * replaced at {@code revision}.
     */
    private void putReplacing(Bytes userKey, LatestTable.Node n, VersionRecord next, long revision,
                              VersionRecord replaced) {
        if (n == null || replaced == null || n.version != replaced || !history.isPastLast(revision, n.key)
            || !unfiled.isPastLast(revision, n.key)) {
            fileAndPut(userKey, n, next, revision, replaced);
            return;
        }
        // the entry keeps its latest version's size: neither version is measured again
        unfiled.add(revision, n.key, n.keyBytes.length, n.counted(), replaced);
        latest.replace(n, next);
        versionBytes += n.counted() + VersionRecord.replacedMarkSize(revision);
    }

    /**
     * Submits {@code batch} to {@code store}, whose engine this is: the records of {@code changes},
     * at {@code revision}, in that order (per change, the new version under the key's {@code 'k'}
     * key, a filing record when it replaces one, or, for a key the batch writes twice, the replaced
     * version under its history key marked replaced at {@code revision}, then the new one), and
     * nothing else. When the store applies it, this engine does what
     * {@link #write(Bytes, VersionRecord, long, VersionRecord)} does for each change (the replaced
     * version queued unfiled where it can be, {@link #putReplacing}) instead of decoding the
     * records: the same state from the objects the records were made of. The store
     * applies it before returning under the {@code off}, {@code never} and {@code batch} policies;
     * under {@code always} the group commit's leader applies it later, from the bytes.
     */
    public WriteTicket submit(KvStore store, WriteBatch batch, long revision, List<Change> changes) {
        ANNOUNCED.setRelease(this, new Announced(batch, revision, changes));
        try {
            return store.submit(batch);
        } finally {
            ANNOUNCED.setRelease(this, (Announced) null);
        }
    }

    /** Files {@code a}'s changes, the batch it names being applied. */
    private void apply(Announced a) {
        long stamp = Locks.writeLockSpinning(lock);
        try {
            for (Change c : a.changes()) {
                putReplacing(c.userKey(), latest.node(c.userKey()), c.next(), a.revision(), c.replaced());
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    /**
     * True whatever the wrapped engine: what the store's users range-delete is history (history
     * compaction), which is kept in order here, so a range delete of it visits only its range.
     */
    @Override
    public boolean isOrdered() {
        return true;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        if (isLatestKey(key)) {
            VersionRecord v = latest.get(MvccKeys.userKeyOfLatest(key));
            return v == null ? Optional.empty() : Optional.of(v.encode());
        }
        if (isHistoryKey(key)) {
            long stamp = readLockFiled();
            try {
                int i = history.find(key);
                return i < 0 ? Optional.empty() : Optional.of(history.encodedAt(i));
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return inner.get(key);
    }

    @Override
    public void put(Bytes key, Bytes value) {
        write(WriteBatch.builder().put(key, value).build());
    }

    @Override
    public void delete(Bytes key) {
        write(WriteBatch.builder().delete(key).build());
    }

    @Override
    public void write(WriteBatch batch) {
        Announced a = (Announced) ANNOUNCED.getAcquire(this);
        if (a != null && a.batch() == batch) {
            apply(a);
            return;
        }
        // decode every record first: a batch with a bad one changes nothing
        References.Decoded records = References.decode(batch);
        List<VersionRecord> decoded = records.versions();
        long[] references = records.references();
        boolean[] filing = records.filing();
        long stamp = Locks.writeLockSpinning(lock);
        try {
            if (references != null) {
                References.check(batch, decoded, references, latest);
            }
            for (int i = 0; i < batch.size(); i++) {
                WriteBatch.Op op = batch.ops().get(i);
                if (op instanceof WriteBatch.Put p) {
                    if (filing != null && filing[i]) {
                        putFiling(MvccKeys.userKeyOfLatest(p.key()), decoded.get(i));
                    } else if (isLatestKey(p.key())) {
                        putLatest(MvccKeys.userKeyOfLatest(p.key()), decoded.get(i));
                    } else if (references != null && references[i] != 0) {
                        fileUnfiled();
                        // files the key's latest version, checked above to be the one it names, as a commit does
                        LatestTable.Node n = latest.node(MvccKeys.userKeyOfHistory(p.key()));
                        history.add(MvccKeys.revisionOfHistory(p.key()), n.key, n.version);
                    } else if (isHistoryKey(p.key())) {
                        fileUnfiled();
                        history.put(p.key(), decoded.get(i));
                    } else {
                        inner.put(p.key(), p.value());
                    }
                } else if (op instanceof WriteBatch.Delete d) {
                    if (isLatestKey(d.key())) {
                        removeLatest(MvccKeys.userKeyOfLatest(d.key()));
                    } else if (isHistoryKey(d.key())) {
                        fileUnfiled();
                        history.remove(d.key());
                    } else {
                        inner.delete(d.key());
                    }
                } else {
                    deleteRange((WriteBatch.DeleteRange) op);
                }
            }
            versionBytes -= history.takeReleased();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Caller holds the write lock: applies a filing record ({@link VersionRecord#encodeFiling}) of
     * {@code next}: the key's latest version, when it is the one {@code next} replaced (its mod
     * revision is {@code next}'s previous revision), is filed in history at {@code next}'s mod
     * revision, as the commit did. When it is not (log compaction dropped that version because
     * history compaction had cut it: its history entry is deleted later in the log) nothing is
     * filed.
     */
    private void putFiling(Bytes userKey, VersionRecord next) {
        LatestTable.Node n = latest.node(userKey);
        VersionRecord replaced = n != null && n.modRevision() == next.prevRevision() ? n.version : null;
        fileAndPut(userKey, n, next, next.modRevision(), replaced);
    }

    /**
     * The puts of the log that depend on earlier operations: a {@link VersionRecord#reference}
     * under a history key depends on the last operation on its key's {@code 'k'} key.
     */
    @Override
    public LogDependencies logDependencies() {
        return References.DEPENDENCIES;
    }

    /**
     * Takes the read lock with every unfiled version filed: when some are, under the write lock,
     * converted to the read lock after filing them, so no commit files more in between.
     */
    private long readLockFiled() {
        long stamp = lock.readLock();
        if (unfiled.isEmpty()) {
            return stamp;
        }
        long write = lock.tryConvertToWriteLock(stamp);
        if (write == 0L) {
            lock.unlockRead(stamp);
            write = Locks.writeLockSpinning(lock);
        }
        fileUnfiled();
        return lock.tryConvertToReadLock(write);
    }

    /** Caller holds the write lock: files every version commits left unfiled, as {@link #fileAndPut} would have. */
    private void fileUnfiled() {
        if (unfiled.isEmpty()) {
            return;
        }
        unfiled.drainTo((revision, userKey, replaced) -> {
            if (!history.addUnmeasured(revision, userKey, userKey.length(), replaced)) {
                // not after every entry (nothing files there while versions are unfiled): as a batch would
                history.add(revision, userKey, replaced);
                versionBytes -= replaced.countedSize(revision);
            }
        });
        versionBytes -= history.takeReleased();
    }

    /**
     * Drops the versions commits left unfiled that were replaced before {@code revision}, without
     * the engine's lock: history compaction's part of a cut, done before the cut's range delete, so
     * that the writers' lock is held only for the versions that were filed. Returns how many went.
     */
    public long dropUnfiledBefore(long revision) {
        return unfiled.dropBefore(revision);
    }

    /**
     * The versions filed in history replaced at or before {@code revision}, and where to cut them
     * ({@link HistoryLog#through}). Files nothing: the versions left unfiled all come after the
     * filed ones, and history compaction drops those first ({@link #dropUnfiledBefore}), so that
     * once no commit can be numbered at or below {@code revision} any more, this count and that
     * drop's together are every version replaced through it, each once.
     */
    HistoryLog.Through filedThrough(long revision, int cutEvery) {
        long stamp = lock.readLock();
        try {
            return history.through(revision, cutEvery);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Caller holds the write lock, {@code range} deleted from the filed history: the unfiled
     * versions in it go too. History compaction's ranges start at the first revision, so they
     * drop a prefix of the unfiled versions without filing them; any other range that reaches
     * them has them filed and deleted from history.
     */
    private void dropUnfiled(WriteBatch.DeleteRange range) {
        if (unfiled.isEmpty() || range.to().compareTo(HISTORY_START) <= 0 || range.from().compareTo(HISTORY_END) >= 0) {
            return;
        }
        Bytes to = range.to();
        Bytes first = unfiled.firstKey();
        if (first == null) {
            return;
        }
        boolean fromTheStart = range.from().compareTo(first) <= 0;
        boolean revisionBound = to.length() == HISTORY_KEY_MIN && to.byteAt(0) == MvccKeys.HISTORY;
        if (fromTheStart && (revisionBound || to.compareTo(HISTORY_END) >= 0)) {
            // every unfiled history key below a bound of a bare revision has a lower revision
            long before = revisionBound ? MvccKeys.revisionOfHistory(to) : -1L;
            unfiled.dropBefore(before);
            return;
        }
        fileUnfiled();
        int[] h = scans.historyPart(ScanRange.between(range.from(), range.to()));
        history.removeRange(h[0], h[1]);
        versionBytes -= history.takeReleased();
    }

    private void deleteRange(WriteBatch.DeleteRange range) {
        ScanRange all = ScanRange.between(range.from(), range.to());
        int[] h = scans.historyPart(all);
        history.removeRange(h[0], h[1]);
        dropUnfiled(range);
        // the wrapped engine holds nothing of history: leave it alone for that part (the hash
        // engine would visit every key for a range)
        ScanRange[] parts = {VersionScans.clip(all, null, HISTORY_START), VersionScans.clip(all, HISTORY_END, null)};
        for (ScanRange part : parts) {
            if (part == null) {
                continue;
            }
            for (Map.Entry<Bytes, VersionRecord> e : scans.latestIn(part)) {
                removeLatest(MvccKeys.userKeyOfLatest(e.getKey()));
            }
            inner.write(WriteBatch.builder().deleteRange(part.start(), part.end().orElseThrow()).build());
        }
    }

    /**
     * Caller holds the write lock: files {@code replaced} (null: none) in history at
     * {@code revision}, measured, and makes {@code next} the latest version of {@code userKey},
     * whose node is {@code n} (null: none).
     */
    private void fileAndPut(Bytes userKey, LatestTable.Node n, VersionRecord next, long revision,
                            VersionRecord replaced) {
        fileUnfiled();
        if (replaced != null) {
            history.add(revision, n != null ? n.key : userKey, replaced);
        }
        putLatest(userKey, n, next);
        versionBytes -= history.takeReleased();
    }

    /** Caller holds the write lock. */
    private void putLatest(Bytes userKey, VersionRecord v) {
        putLatest(userKey, latest.node(userKey), v);
    }

    /** As {@link #putLatest(Bytes, VersionRecord)} with the key's node found already (null: none). */
    private void putLatest(Bytes userKey, LatestTable.Node n, VersionRecord v) {
        if (n != null) {
            int replaced = n.counted();
            latest.replace(n, v);
            versionBytes += n.counted() - replaced;
            return;
        }
        latest.put(userKey, v);
        if (ordered != null) {
            ordered.add(userKey);
        }
        versionBytes += 1 + userKey.length() + counted(v);
    }

    /**
     * The bytes a latest version counts for: as not replaced, whatever its record says, so that a
     * put that replaces it need not read it to know what it counted for.
     */
    private static int counted(VersionRecord v) {
        return v.countedSize(0);
    }

    private void removeLatest(Bytes userKey) {
        LatestTable.Node n = latest.node(userKey);
        if (n != null) {
            if (ordered != null) {
                ordered.remove(n.key);
            }
            versionBytes -= 1 + userKey.length() + n.counted();
            latest.remove(userKey);
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        long stamp = readLockFiled();
        try {
            // the key space in order: below history (nothing in the MVCC layout), history, the rest
            ScanRange below = VersionScans.clip(range, null, HISTORY_START);
            ScanRange above = VersionScans.clip(range, HISTORY_END, null);
            List<KeyValue> out = new ArrayList<>();
            int limit = range.limit();
            for (int part = 0; part < 3; part++) {
                int want = limit == 0 ? 0 : limit - out.size();
                if (limit > 0 && want == 0) {
                    break;
                }
                // reverse scans visit the parts from the top
                int which = range.isReverse() ? 2 - part : part;
                if (which == 1) {
                    scans.scanHistory(range, want, out);
                } else {
                    ScanRange r = which == 0 ? below : above;
                    if (r != null) {
                        scans.scanInner(r.withLimit(want), out);
                    }
                }
            }
            return out;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public EngineStats stats() {
        long stamp = lock.readLock();
        try {
            EngineStats in = inner.stats();
            // the inner engine counts the other records
            return new EngineStats(in.keyCount() + history.size() + unfiled.size() + latest.size(),
                in.dataBytes() + versionBytes - unfiled.droppedRecordBytes() + history.bytes() + unfiled.keyBytes());
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public void close() {
        inner.close();
        long stamp = Locks.writeLockSpinning(lock);
        try {
            latest.clear();
            if (ordered != null) {
                ordered.clear();
            }
            history.clear();
            unfiled.clear();
            versionBytes = 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    static boolean isLatestKey(Bytes key) {
        return key.length() > 0 && key.byteAt(0) == MvccKeys.LATEST;
    }

    static boolean isHistoryKey(Bytes key) {
        return key.length() > 0 && key.byteAt(0) == MvccKeys.HISTORY;
    }
}
