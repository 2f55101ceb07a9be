package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The versions a {@link VersionedEngine}'s commits replaced and have not yet filed in its
 * {@link HistoryLog}: a queue, in history-key order (revision, then user key), of chunks of 1,024
 * entries.
 *
 * <p>Why not file them at once: history compaction removes what commits filed, and removing it
 * from the history array takes the engine's write lock, which every commit's put takes too. JDK
 * 17's {@code StampedLock} parks a writer that finds it held almost at once, so each cut handed the
 * lock between the two threads with a park and an unpark on both (the writer parked about 15,000
 * times in a ten-second run, and lost a quarter of its rate against a put that filed nothing).
 * Here compaction drops the versions it lets go from the head of the queue ({@link #dropBefore})
 * without the engine's lock, which it then holds only for a moment per cut (and the engine's
 * writers spin a few microseconds before they park); most versions never reach the array. Whatever reads or changes history
 * otherwise first files them all ({@link #drainTo}), under the engine's write lock.
 *
 * <p>Threads: one producer at a time ({@link #add}, {@link #isPastLast}), the holder of the
 * engine's write lock; consumers ({@link #drainTo}, {@link #dropBefore}, {@link #firstKey},
 * {@link #clear}) take this object's monitor, and {@link #clear} needs the producer held off as
 * well. The counts may be read by anyone; they are exact when producer and consumers are still.
 * The producer publishes an entry with a release store of the count appended, after it wrote the
 * entry (and the link to a new chunk); a consumer reads that count with an acquire load first.
 */
final class UnfiledHistory {
    /** A history key's prefix: the namespace byte and the revision. */
    private static final int PREFIX = 9;
    private static final int CHUNK = 1024;
    private static final VarHandle APPENDED;
    private static final VarHandle REMOVED;
    private static final VarHandle APPENDED_KEY_BYTES;
    private static final VarHandle REMOVED_KEY_BYTES;
    private static final VarHandle DROPPED_RECORD_BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            APPENDED = lookup.findVarHandle(UnfiledHistory.class, "appended", long.class);
            REMOVED = lookup.findVarHandle(UnfiledHistory.class, "removed", long.class);
            APPENDED_KEY_BYTES = lookup.findVarHandle(UnfiledHistory.class, "appendedKeyBytes", long.class);
            REMOVED_KEY_BYTES = lookup.findVarHandle(UnfiledHistory.class, "removedKeyBytes", long.class);
            DROPPED_RECORD_BYTES = lookup.findVarHandle(UnfiledHistory.class, "droppedRecordBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final class Chunk {
        final long[] revisions = new long[CHUNK];
        final Bytes[] keys = new Bytes[CHUNK];
        final VersionRecord[] versions = new VersionRecord[CHUNK];
        /** Kept so that dropping an entry need not read its key object. */
        final int[] keyLengths = new int[CHUNK];
        /** Each version's {@link VersionRecord#countedSize} as not replaced, so a drop need not read it. */
        final int[] counted = new int[CHUNK];
        /** Set by the producer before it publishes the first entry in the next chunk. */
        Chunk next;
    }

    /** Where each entry goes. */
    @FunctionalInterface
    interface Sink {
        void accept(long revision, Bytes userKey, VersionRecord replaced);
    }

    // the producer's
    private Chunk tail = new Chunk();
    private int tailIndex;
    /** The last entry ever added (dropped or filed since or not); {@code lastKey} null for none. */
    private long lastRevision;
    private Bytes lastKey;
    // the consumers', under this object's monitor
    private Chunk head = tail;
    private int headIndex;

    @SuppressWarnings("unused") // through APPENDED
    private volatile long appended;
    @SuppressWarnings("unused") // through REMOVED
    private volatile long removed;
    @SuppressWarnings("unused") // through APPENDED_KEY_BYTES
    private volatile long appendedKeyBytes;
    @SuppressWarnings("unused") // through REMOVED_KEY_BYTES
    private volatile long removedKeyBytes;
    /** The counted records of the versions {@link #dropBefore} dropped: bytes the engine counted and let go. */
    @SuppressWarnings("unused") // through DROPPED_RECORD_BYTES
    private volatile long droppedRecordBytes;

    boolean isEmpty() {
        return size() == 0;
    }

    int size() {
        long r = (long) REMOVED.getAcquire(this);
        return (int) ((long) APPENDED.getAcquire(this) - r);
    }

    /** The bytes of the entries' history keys (their records are counted by the engine, as its latest versions were). */
    long keyBytes() {
        long r = (long) REMOVED_KEY_BYTES.getAcquire(this);
        return (long) APPENDED_KEY_BYTES.getAcquire(this) - r;
    }

    /** The counted records of every version {@link #dropBefore} dropped since {@link #clear}. */
    long droppedRecordBytes() {
        return (long) DROPPED_RECORD_BYTES.getAcquire(this);
    }

    /**
     * Producer: whether an entry under {@code revision} and {@code userKey} would come after every
     * entry ever added here (filed or dropped since or not) in history-key order.
     */
    boolean isPastLast(long revision, Bytes userKey) {
        if (lastKey == null) {
            return true;
        }
        int c = Long.compareUnsigned(revision, lastRevision);
        return c > 0 || c == 0 && userKey.compareTo(lastKey) > 0;
    }

    /**
     * Producer: appends {@code replaced}, the version of {@code userKey} that the write at
     * {@code revision} replaced; the caller has checked {@link #isPastLast}. {@code keyLength} is
     * the user key's length, given so the key need not be read.
     */
    void add(long revision, Bytes userKey, int keyLength, int counted, VersionRecord replaced) {
        if (tailIndex == CHUNK) {
            Chunk c = new Chunk();
            tail.next = c;
            tail = c;
            tailIndex = 0;
        }
        tail.revisions[tailIndex] = revision;
        tail.keys[tailIndex] = userKey;
        tail.versions[tailIndex] = replaced;
        tail.keyLengths[tailIndex] = keyLength;
        tail.counted[tailIndex] = counted;
        tailIndex++;
        lastRevision = revision;
        lastKey = userKey;
        APPENDED_KEY_BYTES.setRelease(this, (long) APPENDED_KEY_BYTES.getOpaque(this) + PREFIX + keyLength);
        APPENDED.setRelease(this, (long) APPENDED.getOpaque(this) + 1);
    }

    /** Consumer: hands every entry added so far to {@code sink}, oldest first, and removes them. */
    synchronized void drainTo(Sink sink) {
        long available = (long) APPENDED.getAcquire(this) - (long) REMOVED.getOpaque(this);
        for (long i = 0; i < available; i++) {
            toNext();
            sink.accept(head.revisions[headIndex], head.keys[headIndex], head.versions[headIndex]);
            removeFirst();
        }
    }

    /**
     * Consumer: removes the entries replaced before {@code revision} (unsigned), oldest first,
     * counting each's record ({@link VersionRecord#countedSize} as replaced at its revision) in
     * {@link #droppedRecordBytes}; returns how many went.
     */
    synchronized long dropBefore(long revision) {
        long available = (long) APPENDED.getAcquire(this) - (long) REMOVED.getOpaque(this);
        // in locals, the counts published once at the end: the producer writes this object's
        // other fields at every put, and a store here per entry would pull its line away each time
        Chunk h = head;
        int i = headIndex;
        long n = 0;
        long bytes = 0;
        long keyBytes = 0;
        for (; n < available; n++) {
            if (i == CHUNK) {
                Chunk done = h;
                h = done.next;
                done.next = null;
                i = 0;
            }
            long r = h.revisions[i];
            if (Long.compareUnsigned(r, revision) >= 0) {
                break;
            }
            bytes += h.counted[i] + VersionRecord.replacedMarkSize(r);
            keyBytes += PREFIX + h.keyLengths[i];
            h.keys[i] = null;
            h.versions[i] = null;
            i++;
        }
        head = h;
        headIndex = i;
        DROPPED_RECORD_BYTES.setRelease(this, (long) DROPPED_RECORD_BYTES.getOpaque(this) + bytes);
        REMOVED_KEY_BYTES.setRelease(this, (long) REMOVED_KEY_BYTES.getOpaque(this) + keyBytes);
        REMOVED.setRelease(this, (long) REMOVED.getOpaque(this) + n);
        return n;
    }

    /** Consumer: the history key of the first entry, or null when there is none. */
    synchronized Bytes firstKey() {
        if ((long) APPENDED.getAcquire(this) == (long) REMOVED.getOpaque(this)) {
            return null;
        }
        toNext();
        return MvccKeys.history(head.revisions[headIndex], head.keys[headIndex]);
    }

    /** Moves the consumer to the next chunk when it has taken all of its own (an entry is available). */
    private void toNext() {
        if (headIndex == CHUNK) {
            Chunk done = head;
            head = done.next;
            // a chunk promoted while queued must not keep the ones after it reachable
            done.next = null;
            headIndex = 0;
        }
    }

    private void removeFirst() {
        REMOVED_KEY_BYTES.setRelease(this, (long) REMOVED_KEY_BYTES.getOpaque(this) + PREFIX + head.keyLengths[headIndex]);
        head.keys[headIndex] = null;
        head.versions[headIndex] = null;
        headIndex++;
        REMOVED.setRelease(this, (long) REMOVED.getOpaque(this) + 1);
    }

    /** Empties the queue and its counts; the caller holds the producer off too. */
    synchronized void clear() {
        tail = new Chunk();
        tailIndex = 0;
        head = tail;
        headIndex = 0;
        lastKey = null;
        lastRevision = 0;
        APPENDED.setRelease(this, 0L);
        REMOVED.setRelease(this, 0L);
        APPENDED_KEY_BYTES.setRelease(this, 0L);
        REMOVED_KEY_BYTES.setRelease(this, 0L);
        DROPPED_RECORD_BYTES.setRelease(this, 0L);
    }
}
