package io.concordkv.storage.log;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.AppendFile;
import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A segmented, checksummed, append-only log; formats and recovery rules are in the package
 * documentation.
 *
 * <p>Writing has three steps: {@link #append} assigns the next index and buffers the record in
 * memory, {@link #write()} hands buffered records to the operating system, {@link #sync()} also
 * forces them to disk. Only synced records survive a machine crash; written ones survive a crash
 * of the process. A segment that passes {@link LogOptions#segmentBytes()} is sealed (synced and
 * closed) and a new one started.
 *
 * <p>Threads: append, write, sync, rotate and close belong to one writer at a time (the caller
 * serialises them). {@link #rewriteSealed}, {@link #dropBefore} and {@link #segments()} may run on
 * other threads; they share a private lock with rotation only, never with appends.
 */
public final class SegmentedLog implements AutoCloseable {
    private final Path dir;
    private final LogOptions options;
    private final FileIo io;
    private final RecoveryReport report;
    private final Object segmentsLock = new Object();
    /** Sealed segments, oldest first; guarded by segmentsLock. */
    private final List<Segment> sealed;
    private String activeName;
    /** Replaced only by rotation, with the sync gate held for writing. */
    private volatile AppendFile active;
    /** {@link #syncWritten()} holds it for reading; rotation and close, which close the active file, for writing. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock syncGate =
        new java.util.concurrent.locks.ReentrantReadWriteLock();
    private long activeFirstIndex;
    private long activeLastIndex;
    private long activeRecords;
    private long activeBytes;
    private long nextIndex;
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    private long pendingLastIndex;
    private int pendingRecords;
    private volatile boolean closed;

    private SegmentedLog(Path dir, LogOptions options, LogRecovery.Outcome recovered) throws IOException {
        this.dir = dir;
        this.options = options;
        this.io = options.io();
        this.report = recovered.report();
        this.sealed = new ArrayList<>(recovered.sealed());
        Segment last = recovered.active();
        this.activeName = last.file().getFileName().toString();
        this.activeFirstIndex = last.firstIndex();
        this.activeLastIndex = last.lastIndex();
        this.activeRecords = last.records();
        this.activeBytes = last.bytes();
        this.active = io.openLog(last.file());
        this.nextIndex = recovered.nextIndex();
        this.pendingLastIndex = nextIndex - 1;
    }

    /**
     * Opens (or creates) the log in {@code dir}, checking every record, and hands each record with
     * an index above {@code replayAfter} to {@code visitor}, oldest first.
     *
     * @throws KvException {@code CORRUPTION} naming file and offset when a record before the tail
     *     is bad and salvage is off; {@code IO_ERROR} when the files cannot be read or repaired
     */
    public static SegmentedLog open(Path dir, LogOptions options, long replayAfter, Consumer<LogRecord> visitor) {
        try {
            LogRecovery.Outcome outcome = new LogRecovery(dir, options).recover(replayAfter, visitor);
            return new SegmentedLog(dir, options, outcome);
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "cannot open log in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** What opening found and repaired. */
    public RecoveryReport recoveryReport() {
        return report;
    }

    /** The index the next {@link #append} gets. */
    public long nextIndex() {
        return nextIndex;
    }

    /** Bytes appended but not yet handed to the OS by {@link #write()}. */
    public int bufferedBytes() {
        return pending.position();
    }

    /** The last index appended (buffered or not); {@code nextIndex() - 1}. */
    public long lastIndex() {
        return nextIndex - 1;
    }

    /** Buffers a record and returns its index. Call {@link #write()} or {@link #sync()} to persist it. */
    public long append(byte type, byte[] payload) {
        return append(type, Payload.of(payload));
    }

    /**
     * A record's payload, written straight into the log's buffer: a caller that would build the
     * bytes only to have them copied there saves the copy.
     */
    public interface Payload {
        /** The payload's length in bytes. */
        int length();

        /** Puts exactly {@link #length} bytes at {@code out}'s position. */
        void writeTo(ByteBuffer out);

        static Payload of(byte[] bytes) {
            return new Payload() {
                @Override
                public int length() {
                    return bytes.length;
                }

                @Override
                public void writeTo(ByteBuffer out) {
                    out.put(bytes);
                }
            };
        }
    }

    /** As {@link #append(byte, byte[])}, the payload written in place. */
    public long append(byte type, Payload payload) {
        ensureOpen();
        int needed = LogFormat.recordBytes(payload.length());
        if (pending.remaining() < needed) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + needed));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        long index = nextIndex;
        LogFormat.putRecord(pending, index, type, payload);
        nextIndex++;
        pendingLastIndex = index;
        pendingRecords++;
        return index;
    }

    /** Writes buffered records to the active segment (the OS cache), rotating if it is full. */
    public void write() throws IOException {
        ensureOpen();
        if (pending.position() == 0) {
            return;
        }
        pending.flip();
        int bytes = pending.remaining();
        active.write(pending);
        pending.clear();
        activeBytes += bytes;
        activeRecords += pendingRecords;
        activeLastIndex = pendingLastIndex;
        pendingRecords = 0;
        if (activeBytes >= options.segmentBytes()) {
            rotate();
        }
    }

    /** Writes buffered records and forces the active segment to disk. */
    public void sync() throws IOException {
        write();
        active.sync();
    }

    /**
     * Forces to disk what {@link #write()} has already handed to the OS, leaving the buffer alone.
     * Unlike the other writing methods it may run on any thread while the writer goes on
     * appending and writing; rotation and close wait for it.
     */
    public void syncWritten() throws IOException {
        syncGate.readLock().lock();
        try {
            ensureOpen();
            active.sync();
        } finally {
            syncGate.readLock().unlock();
        }
    }

    /**
     * Seals the active segment (synced, closed) and starts a new one; compaction uses this to make
     * the newest records compactable.
     */
    public void rotate() throws IOException {
        ensureOpen();
        write();
        if (activeRecords == 0) {
            return;
        }
        Segment done = new Segment(dir.resolve(activeName), activeFirstIndex, activeLastIndex, activeRecords, activeBytes);
        String name = LogFormat.segmentName(nextIndex, 0);
        AppendFile next = createSegment(dir.resolve(name), nextIndex, 0);
        syncGate.writeLock().lock();
        try {
            active.sync();
            active.close();
            synchronized (segmentsLock) {
                sealed.add(done);
                activeName = name;
                active = next;
                writeManifest();
            }
        } finally {
            syncGate.writeLock().unlock();
        }
        activeFirstIndex = nextIndex;
        activeLastIndex = nextIndex - 1;
        activeRecords = 0;
        activeBytes = LogFormat.HEADER_BYTES;
    }

    /** Every live segment, oldest first; the last is the active one (its figures include only written records). */
    public List<Segment> segments() {
        synchronized (segmentsLock) {
            List<Segment> all = new ArrayList<>(sealed);
            all.add(new Segment(dir.resolve(activeName), activeFirstIndex, activeLastIndex, activeRecords, activeBytes));
            return all;
        }
    }

    /** Records in all live segments (written ones; buffered records are not counted). */
    public long records() {
        return segments().stream().mapToLong(Segment::records).sum();
    }

    /** Bytes of all live segments. */
    public long bytes() {
        return segments().stream().mapToLong(Segment::bytes).sum();
    }

    /**
     * Deletes every sealed segment whose records all have indexes below {@code index} (for
     * example, once a snapshot covers them). The active segment is never deleted.
     */
    public int dropBefore(long index) throws IOException {
        List<Segment> doomed = new ArrayList<>();
        synchronized (segmentsLock) {
            while (!sealed.isEmpty() && sealed.get(0).lastIndex() < index) {
                doomed.add(sealed.remove(0));
            }
            if (doomed.isEmpty()) {
                return 0;
            }
            writeManifest();
        }
        for (Segment s : doomed) {
            io.delete(s.file());
        }
        return doomed.size();
    }

    /**
     * Replaces the sealed segments by one rewritten segment holding what {@code rewriter} keeps.
     * Runs its I/O without blocking appends; only the final switch (a manifest update) takes the
     * lock rotation uses. Returns {@link CompactionResult#NOTHING} when there is nothing sealed or
     * the sealed segments changed meanwhile.
     */
    public CompactionResult rewriteSealed(RecordRewriter rewriter) throws IOException {
        List<Segment> victims;
        synchronized (segmentsLock) {
            victims = List.copyOf(sealed);
        }
        if (victims.isEmpty()) {
            return CompactionResult.NOTHING;
        }
        if (rewriter.wantsPreview()) {
            for (Segment s : victims) {
                checkClean(SegmentScanner.scan(io, s.file(), 0, rewriter::preview), s);
            }
        }
        for (Segment s : victims) {
            checkClean(SegmentScanner.scan(io, s.file(), 0, rewriter::observe), s);
        }
        int generation = 1 + victims.stream().mapToInt(s -> generationOf(s.file())).max().orElse(0);
        long first = victims.get(0).firstIndex();
        Path target = dir.resolve(LogFormat.segmentName(first, generation));
        long[] kept = new long[2];
        try (AppendFile out = createSegment(io, dir, target, first, generation, false)) {
            ByteBuffer buffer = ByteBuffer.allocate(1024 * 1024);
            try {
                for (Segment s : victims) {
                    SegmentScanner.Result r = SegmentScanner.scan(io, s.file(), 0, rec -> {
                        byte[] payload = rewriter.rewrite(rec);
                        if (payload != null) {
                            writeBuffered(out, buffer, rec.index(), rec.type(), payload);
                            kept[0]++;
                        }
                    });
                    checkClean(r, s);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            buffer.flip();
            out.write(buffer);
            out.sync();
            kept[1] = out.size();
        }
        synchronized (segmentsLock) {
            if (sealed.size() < victims.size() || !sealed.subList(0, victims.size()).equals(victims)) {
                io.delete(target);
                return CompactionResult.NOTHING;
            }
            sealed.subList(0, victims.size()).clear();
            long lastIndex = victims.get(victims.size() - 1).lastIndex();
            sealed.add(0, new Segment(target, first, lastIndex, kept[0], kept[1]));
            writeManifest();
        }
        for (Segment s : victims) {
            io.delete(s.file());
        }
        return new CompactionResult(victims.size(), victims.stream().mapToLong(Segment::records).sum(),
            victims.stream().mapToLong(Segment::bytes).sum(), kept[0], kept[1]);
    }

    /** Writes and syncs what is buffered, then closes the active segment. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        syncGate.writeLock().lock();
        try {
            sync();
        } finally {
            closed = true;
            active.close();
            syncGate.writeLock().unlock();
        }
    }

    /** Adds a record to {@code buffer}, first writing the buffer out if the record does not fit. */
    private static void writeBuffered(AppendFile out, ByteBuffer buffer, long index, byte type, byte[] payload) {
        int needed = LogFormat.recordBytes(payload.length);
        try {
            if (buffer.remaining() < needed) {
                buffer.flip();
                out.write(buffer);
                buffer.clear();
            }
            if (buffer.remaining() < needed) {
                ByteBuffer one = ByteBuffer.allocate(needed);
                LogFormat.putRecord(one, index, type, payload);
                out.write(one.flip());
            } else {
                LogFormat.putRecord(buffer, index, type, payload);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AppendFile createSegment(Path file, long firstIndex, int generation) throws IOException {
        return createSegment(io, dir, file, firstIndex, generation, true);
    }

    /**
     * Creates {@code file} holding only a synced segment header, and syncs the directory; open for
     * appending, with space written ahead ({@link FileIo#openLog}) when {@code active} says it will
     * take appends and syncs, not one sequential rewrite.
     */
    static AppendFile createSegment(FileIo io, Path dir, Path file, long firstIndex, int generation, boolean active)
            throws IOException {
        io.delete(file);
        AppendFile out = active ? io.openLog(file) : io.openAppend(file);
        out.write(LogFormat.header(firstIndex, generation));
        out.sync();
        io.syncDirectory(dir);
        return out;
    }

    /** Caller holds segmentsLock. */
    private void writeManifest() throws IOException {
        List<String> names = new ArrayList<>();
        for (Segment s : sealed) {
            names.add(s.file().getFileName().toString());
        }
        names.add(activeName);
        WalManifest.write(io, dir, names);
    }

    private static void checkClean(SegmentScanner.Result r, Segment s) {
        if (!r.clean()) {
            throw new KvException(ErrorCode.CORRUPTION, "sealed segment " + s.file() + " is corrupt at offset "
                + r.problemOffset() + ": " + r.problem());
        }
    }

    static int generationOf(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(21, 25));
    }

    private void ensureOpen() {
        if (closed) {
            throw new KvException(ErrorCode.CLOSED, "log " + dir + " is closed");
        }
    }
}
