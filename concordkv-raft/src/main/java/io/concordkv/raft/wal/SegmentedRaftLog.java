package io.concordkv.raft.wal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.MemoryStorage;
import io.concordkv.raft.core.RaftStorage;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import io.concordkv.storage.fs.FileIo;
import io.concordkv.storage.log.Segment;
import io.concordkv.storage.log.SegmentedLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's durable Raft state: hard state, log entries and snapshots, in a {@link SegmentedLog}
 * under {@code <dir>/wal} and snapshot image files under {@code <dir>/snap} (formats in the
 * package documentation). Everything is written here first and only then applied to the
 * {@link MemoryStorage} that {@link #storage()} hands to the Raft core, so the core never reads
 * anything that a crash could take back (when the caller asked for a sync).
 *
 * <p>Threads: not thread-safe. One writer thread (the runtime's event loop) calls every method
 * but {@link #writeSnapshotFile}, which writes only a new snapshot file of its own and may run on
 * another thread; the core reads {@link #storage()}, normally on the same thread (the storage is
 * synchronized, so another thread may read it too). After an I/O error the log fails: every later write throws.
 */
public final class SegmentedRaftLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedRaftLog.class);
    static final String WAL_DIR = "wal";
    static final String SNAP_DIR = "snap";
    static final String LOCK_FILE = "LOCK";

    private final Path dir;
    private final RaftLogOptions options;
    private final AutoCloseable lock;
    private final SegmentedLog log;
    private final SnapshotFiles files;
    private final MemoryStorage storage = new MemoryStorage();
    private final EntryPositions positions;
    /** Snapshots whose files are kept, oldest first; the log is kept from the least of their floors. */
    private final List<LogReplay.Marker> kept;
    private final List<String> recoveryEvents;
    private HardState hardState;
    private long hardStateWalIndex;
    private long newestMarkerIndex;
    private boolean unsynced;
    private volatile KvException failure;
    private volatile boolean closed;

    private SegmentedRaftLog(Path dir, RaftLogOptions options, AutoCloseable lock, SnapshotFiles files,
                             RaftLogRecovery.Recovered r) {
        this.dir = dir;
        this.options = options;
        this.lock = lock;
        this.files = files;
        this.log = r.log();
        LogReplay.Result replay = r.replay();
        if (!r.snapshot().isEmpty()) {
            storage.applySnapshot(r.snapshot());
        }
        storage.append(replay.entries());
        storage.setHardState(replay.hardState());
        this.positions = replay.positions();
        this.kept = new ArrayList<>(r.kept());
        this.recoveryEvents = r.events();
        this.hardState = replay.hardState();
        this.hardStateWalIndex = replay.hardStateWalIndex();
        this.newestMarkerIndex = replay.newestMarkerIndex();
    }

    /**
     * Opens (or creates) the member directory {@code dir} and rebuilds its state.
     *
     * @throws KvException {@code LOCKED} when another process has it open; {@code CORRUPTION}
     *     naming the file when the log or the snapshot it needs is damaged beyond fallback;
     *     {@code IO_ERROR} when the files cannot be read
     */
    public static SegmentedRaftLog open(Path dir, RaftLogOptions options) {
        FileIo io = options.io();
        try {
            io.createDirectories(dir);
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "cannot create raft log directory " + dir + ": " + e.getMessage(), e);
        }
        AutoCloseable lock;
        try {
            lock = io.lock(dir.resolve(LOCK_FILE));
        } catch (IOException e) {
            throw new KvException(ErrorCode.LOCKED, "raft log directory " + dir + " is in use: " + e.getMessage(), e);
        }
        try {
            SnapshotFiles files = new SnapshotFiles(io, dir.resolve(SNAP_DIR));
            RaftLogRecovery.Recovered r = new RaftLogRecovery(dir, options, files).recover(dir.resolve(WAL_DIR));
            SegmentedRaftLog opened = new SegmentedRaftLog(dir, options, lock, files, r);
            LOG.info("opened raft log {}: snapshot {}/{}, entries {} to {}, {} repairs", dir,
                r.snapshot().meta().term(), r.snapshot().meta().index(), opened.storage.firstIndex(),
                opened.storage.lastIndex(), r.events().size());
            return opened;
        } catch (IOException e) {
            release(lock, e);
            throw new KvException(ErrorCode.IO_ERROR, "cannot open raft log " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(lock, e);
            throw e;
        }
    }

    private static void release(AutoCloseable lock, Exception cause) {
        try {
            lock.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /** The state the core reads: snapshot, entries after it, hard state; current after every call here. */
    public RaftStorage storage() {
        return storage;
    }

    /**
     * Records the configuration the applied entries produced, for {@link RaftStorage#confState()}.
     * Memory only: after a restart it is the snapshot's, and the runtime re-applies the rest.
     */
    public void setConfState(ConfState conf) {
        storage.setConfState(conf);
    }

    /** What opening found and repaired (torn tail, unfinished or damaged snapshots, a fallback), one line each. */
    public List<String> recoveryEvents() {
        return recoveryEvents;
    }

    /**
     * Makes {@code hs} and {@code entries} durable, then appends them to {@link #storage()}. An
     * entry whose index is already held replaces it and every entry after it; entries at or below
     * the snapshot are ignored. {@code hs} is written only when it is not empty and differs from
     * the last one. With {@code mustSync} the write-ahead log is fsynced once, however many
     * entries (etcd syncs when there are entries or the term or vote changed); without it the
     * records reach the OS only, and a later synced call or {@link #close()} makes them durable.
     *
     * @throws IllegalArgumentException when the entries leave a gap or are not consecutive
     * @throws KvException {@code IO_ERROR} when writing fails (the log is failed from then on)
     */
    public void save(HardState hs, List<Entry> entries, boolean mustSync) {
        ensureWritable();
        List<Entry> fresh = entriesAfterSnapshot(entries);
        boolean newHardState = !hs.isEmpty() && !hs.equals(hardState);
        if (fresh.isEmpty() && !newHardState && !(mustSync && unsynced)) {
            return;
        }
        try {
            for (Entry e : fresh) {
                positions.put(e.index(), log.append(RaftRecordCodec.ENTRY, RaftRecordCodec.entry(e)));
            }
            // entries first: a torn tail never keeps a commit index without its entries
            if (newHardState) {
                hardStateWalIndex = log.append(RaftRecordCodec.HARD_STATE, RaftRecordCodec.hardState(hs));
            }
            write(mustSync);
        } catch (IOException e) {
            throw fail("cannot write " + fresh.size() + " entries", e);
        }
        storage.append(fresh);
        if (newHardState) {
            hardState = hs;
            storage.setHardState(hs);
        }
    }

    /**
     * Installs a snapshot received from the leader: it replaces the whole log. Durable on return.
     * Returns {@code false} (and does nothing) for a snapshot no newer than the last one recorded.
     */
    public boolean installSnapshot(Snapshot snap) {
        return recordSnapshot(snap, true, false);
    }

    /**
     * Records a snapshot of this member's own applied state and drops the entries it covers.
     * Durable on return. Returns {@code false} (and does nothing) for a snapshot no newer than
     * the last one recorded.
     *
     * @throws IllegalArgumentException when the log does not hold the snapshot's index with its term
     */
    public boolean compactTo(Snapshot snap) {
        return recordSnapshot(snap, false, false);
    }

    /**
     * Writes the file of {@code snap}, a snapshot of this member's own state, durably: the heavy
     * part of {@link #compactTo}, which may run on any thread so that the log's own thread only
     * records it afterwards ({@link #compactToWritten}).
     *
     * @throws KvException {@code IO_ERROR} when the file cannot be written (the log is unharmed)
     */
    public void writeSnapshotFile(Snapshot snap) {
        ensureWritable();
        try {
            files.write(snap);
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "cannot write snapshot " + snap.meta().term() + "/"
                + snap.meta().index() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #compactTo}, for a snapshot whose file {@link #writeSnapshotFile} wrote. */
    public boolean compactToWritten(Snapshot snap) {
        return recordSnapshot(snap, false, true);
    }

    /** Syncs what is written and closes the files. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (AutoCloseable held = lock) {
            log.close();
        } catch (Exception e) {
            throw new KvException(ErrorCode.IO_ERROR, "cannot close raft log " + dir + ": " + e.getMessage(), e);
        }
    }

    private boolean recordSnapshot(Snapshot snap, boolean install, boolean fileWritten) {
        ensureWritable();
        SnapshotMeta meta = snap.meta();
        if (meta.index() <= newestMarkerIndex) {
            return false;
        }
        if (!install && (meta.index() > storage.lastIndex() || storage.term(meta.index()) != meta.term())) {
            throw new IllegalArgumentException("snapshot " + meta.term() + "/" + meta.index()
                + " does not match the log (entries up to " + storage.lastIndex() + ")");
        }
        long floor;
        try {
            long bytes = fileWritten ? snap.data().length : files.write(snap);
            long next = install ? -1 : positions.walIndexOf(meta.index() + 1);
            long markerWalIndex = log.append(RaftRecordCodec.SNAPSHOT, RaftRecordCodec.snapshot(meta, install));
            write(true);
            floor = next < 0 ? markerWalIndex : Math.min(next, markerWalIndex);
            // seal the segment, so that once this snapshot is superseded whole segments can go
            log.rotate();
            LOG.info("raft log {}: {} snapshot {}/{} ({} bytes)", dir, install ? "installed" : "took", meta.term(),
                meta.index(), bytes);
        } catch (IOException e) {
            throw fail("cannot record snapshot " + meta.term() + "/" + meta.index(), e);
        }
        newestMarkerIndex = meta.index();
        if (install) {
            storage.applySnapshot(snap);
            positions.clear();
        } else {
            storage.compact(snap);
            positions.dropThrough(meta.index());
        }
        List<LogReplay.Marker> superseded = new ArrayList<>();
        if (install) {
            // the log older snapshots would need is gone: they can no longer serve as a fallback
            superseded.addAll(kept);
            kept.clear();
        }
        kept.add(new LogReplay.Marker(meta, floor));
        while (kept.size() > options.snapshotsKept()) {
            superseded.add(kept.remove(0));
        }
        try {
            purge();
            for (LogReplay.Marker m : superseded) {
                files.delete(new SnapshotFiles.FileId(m.meta().term(), m.meta().index()));
            }
        } catch (IOException e) {
            throw fail("cannot purge the log after snapshot " + meta.index(), e);
        }
        return true;
    }

    /**
     * Deletes the sealed segments every kept snapshot can do without. The kept snapshots' markers
     * lie at or after the cut by construction (a floor is never above its own marker); the hard
     * state may not, so it is written again first.
     */
    private void purge() throws IOException {
        long cut = kept.stream().mapToLong(LogReplay.Marker::floor).min().orElse(0);
        List<Segment> segments = log.segments();
        boolean anyDoomed = segments.subList(0, segments.size() - 1).stream().anyMatch(s -> s.lastIndex() < cut);
        if (!anyDoomed) {
            return;
        }
        if (!hardState.isEmpty() && hardStateWalIndex < cut) {
            hardStateWalIndex = log.append(RaftRecordCodec.HARD_STATE, RaftRecordCodec.hardState(hardState));
            write(true);
        }
        int dropped = log.dropBefore(cut);
        LOG.info("raft log {}: purged {} segments before log record {}", dir, dropped, cut);
    }

    private void write(boolean sync) throws IOException {
        if (sync) {
            log.sync();
            unsynced = false;
        } else {
            log.write();
            unsynced = true;
        }
    }

    /** The entries above the snapshot, checked to extend or overwrite the log without a gap. */
    private List<Entry> entriesAfterSnapshot(List<Entry> entries) {
        long snapshotIndex = storage.firstIndex() - 1;
        List<Entry> fresh = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (e.index() <= snapshotIndex) {
                continue;
            }
            boolean fits = fresh.isEmpty() ? e.index() <= storage.lastIndex() + 1
                : e.index() == fresh.get(fresh.size() - 1).index() + 1;
            if (!fits) {
                throw new IllegalArgumentException("entry " + e.index() + " would leave a gap (log ends at "
                    + storage.lastIndex() + ", batch " + entries.get(0).index() + "..)");
            }
            fresh.add(e);
        }
        return fresh;
    }

    private KvException fail(String what, IOException e) {
        failure = new KvException(ErrorCode.IO_ERROR, "raft log " + dir + ": " + what + ": " + e.getMessage(), e);
        LOG.error("raft log {} failed; it accepts no more writes", dir, e);
        return failure;
    }

    private void ensureWritable() {
        if (closed) {
            throw new KvException(ErrorCode.CLOSED, "raft log " + dir + " is closed");
        }
        if (failure != null) {
            throw new KvException(ErrorCode.IO_ERROR, "raft log " + dir + " failed earlier: " + failure.getMessage(),
                failure);
        }
    }
}
