package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import java.util.Arrays;

/**
 * The history versions of a {@link VersionedEngine}, sorted by history key in one circular array.
 * History keys sort by the revision that replaced a version ({@link MvccKeys#history}), so commits
 * add at the end and history compaction removes from the start, each in constant time; a key that
 * belongs elsewhere (a transaction's keys within its revision, a restore, a log replay) is put in
 * place by binary search, moving the shorter side of the array. A skip list, used before, cost a
 * commit several cache misses and allocations per version, and compaction as many again.
 *
 * <p>An entry is held as its parts, in parallel arrays: the revision and user key its history key
 * is made of, the version object, and the revision its record names as the one that replaced it
 * ({@code supersededAt}, which the record's encoding carries in place of the object's own). So a
 * commit files the version it replaces as it is, with no history key to make and no copy marked
 * replaced; the history key and the record's bytes are made only when asked for, through the
 * storage engine's byte interface. Each entry's size (history key and the record's
 * {@link VersionRecord#countedSize}) is kept too, measured when it is filed, while the version is
 * in the cache anyway: history compaction removes thousands of entries under the engine's write
 * lock, and measuring each again there (a cache miss per version) held writers off for a tenth of
 * their time. The one exception is a commit's put ({@link #addUnmeasured}), which files the
 * version it replaces without reading it at all: the entry's history key is counted, its record
 * is measured when the entry goes, and {@link #takeReleased} hands that measure to the engine,
 * which counted the record while it was the latest version. (Such versions are filed here only
 * when something reads history before compaction drops them from the engine's unfiled queue.)
 *
 * <p>Not thread-safe: the engine reads it under its lock's read side and changes it under the
 * write side.
 */
final class HistoryLog {
    private static final int MIN_CAPACITY = 16;
    /** A history key's prefix: the namespace byte and the revision. */
    private static final int PREFIX = 9;

    private long[] revisions = new long[MIN_CAPACITY];
    private Bytes[] userKeys = new Bytes[MIN_CAPACITY];
    private VersionRecord[] values = new VersionRecord[MIN_CAPACITY];
    private long[] superseded = new long[MIN_CAPACITY];
    private int[] sizes = new int[MIN_CAPACITY];
    /** Slot of the first entry; entries are at head, head + 1, ... modulo the capacity. */
    private int head;
    private int size;
    /**
     * Sum of the entries' sizes: history keys and counted records, but only the history key of an
     * entry filed by {@link #addUnmeasured}.
     */
    private long bytes;
    /** Counted records of {@link #addUnmeasured} entries removed or replaced since {@link #takeReleased}. */
    private long released;

    int size() {
        return size;
    }

    /** The bytes of every entry's history key and counted record ({@link #addUnmeasured}'s: the key alone). */
    long bytes() {
        return bytes;
    }

    /**
     * The counted records of the {@link #addUnmeasured} entries removed or replaced since the last
     * call: bytes its caller counted elsewhere and must now let go of.
     */
    long takeReleased() {
        long r = released;
        released = 0;
        return r;
    }

    private int slot(int index) {
        return (head + index) & (revisions.length - 1);
    }

    /** The history key of the entry at {@code index}, made afresh. */
    Bytes keyAt(int index) {
        int s = slot(index);
        return MvccKeys.history(revisions[s], userKeys[s]);
    }

    /** The revision that replaced the version at {@code index} (its history key's). */
    long revisionAt(int index) {
        return revisions[slot(index)];
    }

    /** What {@link #through} found: {@code versions} entries, and revisions to cut them at, ascending. */
    record Through(long versions, long[] cuts) {
    }

    /**
     * The entries replaced at or before {@code revision}: how many, and the revision of every
     * {@code cutEvery}-th of them that is below {@code revision}, once each (a transaction files
     * several keys at one revision): where history compaction may cut them early, so that no
     * range delete holds the engine's writers long.
     */
    Through through(long revision, int cutEvery) {
        int end = ceiling(MvccKeys.history(revision + 1, Bytes.EMPTY));
        long[] cuts = new long[end / cutEvery];
        int n = 0;
        for (int i = cutEvery - 1; i < end; i += cutEvery) {
            long r = revisionAt(i);
            if (Long.compareUnsigned(r, revision) < 0 && (n == 0 || cuts[n - 1] != r)) {
                cuts[n++] = r;
            }
        }
        return new Through(end, Arrays.copyOf(cuts, n));
    }

    /**
     * The version object at {@code index}: its {@code supersededAt} is not necessarily the one its
     * record names (a version filed by {@link #add} keeps its own, 0); see {@link #encodedAt}.
     */
    VersionRecord valueAt(int index) {
        return values[slot(index)];
    }

    /** The encoded record at {@code index}, as a storage engine of bytes would hold it. */
    Bytes encodedAt(int index) {
        int s = slot(index);
        return values[s].encode(superseded[s]);
    }

    /** Measures the bytes the entry in slot {@code s} counts for (its history key and its record) and counts them. */
    private void count(int s) {
        sizes[s] = PREFIX + userKeys[s].length() + values[s].countedSize(superseded[s]);
        bytes += sizes[s];
    }

    /** Stops counting the entry in slot {@code s}: an unmeasured one's record is measured now and released. */
    private void uncount(int s) {
        int size = sizes[s];
        if (size >= 0) {
            bytes -= size;
        } else {
            bytes += size;
            released += values[s].countedSize(superseded[s]);
        }
    }

    /** How the entry in slot {@code s} compares with {@code key}, a store key of any namespace. */
    private int compareAt(int s, Bytes key) {
        byte[] k = key.unsafeArray();
        if (k.length < PREFIX || k[0] != MvccKeys.HISTORY) {
            // a bound of a range, not a history key: rare enough to compare the whole key
            return MvccKeys.history(revisions[s], userKeys[s]).compareTo(key);
        }
        int c = Long.compareUnsigned(revisions[s], readLong(k));
        if (c != 0) {
            return c;
        }
        Bytes u = userKeys[s];
        return Arrays.compareUnsigned(u.unsafeArray(), 0, u.length(), k, PREFIX, k.length);
    }

    private int compareAt(int s, long revision, Bytes userKey) {
        int c = Long.compareUnsigned(revisions[s], revision);
        return c != 0 ? c : userKeys[s].compareTo(userKey);
    }

    private static long readLong(byte[] k) {
        long v = 0;
        for (int i = 1; i < PREFIX; i++) {
            v = (v << 8) | (k[i] & 0xFF);
        }
        return v;
    }

    /** The index of {@code key}, or {@code -(insertion point) - 1} when absent. */
    int find(Bytes key) {
        return search(s -> compareAt(s, key));
    }

    /** Whether the history key of {@code userKey} at {@code revision} comes after every entry's. */
    boolean isPastLast(long revision, Bytes userKey) {
        return size == 0 || compareAt(slot(size - 1), revision, userKey) < 0;
    }

    /**
     * As {@link #find(Bytes)} for the history key of {@code userKey} at {@code revision}. A key
     * past the last, as a commit's is, is answered without making the search's comparison object.
     */
    int find(long revision, Bytes userKey) {
        if (size == 0 || compareAt(slot(size - 1), revision, userKey) < 0) {
            return -size - 1;
        }
        return search(s -> compareAt(s, revision, userKey));
    }

    /**
     * The index of the entry {@code comparison} (how the entry in a slot compares with the key
     * sought) finds equal, or {@code -(insertion point) - 1}; a key past the last, as a commit's
     * is, is answered by one comparison.
     */
    private int search(java.util.function.IntUnaryOperator comparison) {
        if (size == 0 || comparison.applyAsInt(slot(size - 1)) < 0) {
            return -size - 1;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = comparison.applyAsInt(slot(mid));
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** The index of the first key at or above {@code key} (size when none). */
    int ceiling(Bytes key) {
        int i = find(key);
        return i >= 0 ? i : -i - 1;
    }

    VersionRecord get(Bytes key) {
        int i = find(key);
        return i >= 0 ? valueAt(i) : null;
    }

    /**
     * Puts the record {@code value} under the history key {@code key}, as a store of bytes would;
     * returns the value it replaced, or null.
     */
    VersionRecord put(Bytes key, VersionRecord value) {
        return put(MvccKeys.revisionOfHistory(key), MvccKeys.userKeyOfHistory(key), value.supersededAt(), value);
    }

    /**
     * Files {@code value}, the latest version of {@code userKey} until the write at {@code revision}
     * replaced it, under that revision, as it is. Returns the value it replaced, or null.
     */
    VersionRecord add(long revision, Bytes userKey, VersionRecord value) {
        return put(revision, userKey, revision, value);
    }

    /**
     * As {@link #add} for a history key past every entry's, as a commit's is, without reading
     * {@code value}: counts the history key ({@code keyLength} bytes of user key) alone; the record
     * is measured when the entry goes ({@link #takeReleased}). Returns false, adding nothing, when
     * the key is not past the last.
     */
    boolean addUnmeasured(long revision, Bytes userKey, int keyLength, VersionRecord value) {
        if (!isPastLast(revision, userKey)) {
            return false;
        }
        insert(size, revision, userKey, value, revision, -(PREFIX + keyLength));
        return true;
    }

    private VersionRecord put(long revision, Bytes userKey, long supersededAt, VersionRecord value) {
        int i = find(revision, userKey);
        if (i >= 0) {
            int s = slot(i);
            VersionRecord old = values[s];
            uncount(s);
            values[s] = value;
            superseded[s] = supersededAt;
            count(s);
            return old;
        }
        insert(-i - 1, revision, userKey, value, supersededAt, 0);
        return null;
    }

    /** Inserts an entry at {@code index}: measured when {@code unmeasured} is 0, else that (negative) key size alone. */
    private void insert(int index, long revision, Bytes userKey, VersionRecord value, long supersededAt,
                        int unmeasured) {
        if (this.size == revisions.length) {
            resize(revisions.length * 2);
        }
        int mask = revisions.length - 1;
        if (index < this.size / 2) {
            // move the entries before it one slot down
            head = (head - 1) & mask;
            for (int j = 0; j < index; j++) {
                move(slot(j + 1), slot(j));
            }
        } else {
            for (int j = this.size; j > index; j--) {
                move(slot(j - 1), slot(j));
            }
        }
        int s = slot(index);
        revisions[s] = revision;
        userKeys[s] = userKey;
        values[s] = value;
        superseded[s] = supersededAt;
        size++;
        if (unmeasured == 0) {
            count(s);
        } else {
            sizes[s] = unmeasured;
            bytes -= unmeasured;
        }
    }

    private void move(int from, int to) {
        revisions[to] = revisions[from];
        userKeys[to] = userKeys[from];
        values[to] = values[from];
        superseded[to] = superseded[from];
        sizes[to] = sizes[from];
    }

    /** Removes the entry under {@code key}; returns its value, or null if there was none. */
    VersionRecord remove(Bytes key) {
        int i = find(key);
        if (i < 0) {
            return null;
        }
        VersionRecord old = valueAt(i);
        removeRange(i, i + 1);
        return old;
    }

    /** Removes the entries at indexes {@code [from, to)}. */
    void removeRange(int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        for (int j = from; j < to; j++) {
            uncount(slot(j));
        }
        if (from < size - to) {
            // close the gap from below: the entries before it move up
            for (int j = from - 1; j >= 0; j--) {
                move(slot(j), slot(j + n));
            }
            for (int j = 0; j < n; j++) {
                clear(slot(j));
            }
            head = slot(n);
        } else {
            for (int j = to; j < size; j++) {
                move(slot(j), slot(j - n));
            }
            for (int j = size - n; j < size; j++) {
                clear(slot(j));
            }
        }
        size -= n;
        // shrink only well below the capacity: retained history swings by the revisions written
        // between two compactions, and a quarter would have it grow and shrink on every swing
        if (revisions.length > MIN_CAPACITY && size < revisions.length / 8) {
            resize(Math.max(MIN_CAPACITY, revisions.length / 2));
        }
    }

    private void clear(int s) {
        userKeys[s] = null;
        values[s] = null;
    }

    void clear() {
        revisions = new long[MIN_CAPACITY];
        userKeys = new Bytes[MIN_CAPACITY];
        values = new VersionRecord[MIN_CAPACITY];
        superseded = new long[MIN_CAPACITY];
        sizes = new int[MIN_CAPACITY];
        head = 0;
        size = 0;
        bytes = 0;
        released = 0;
    }

    private void resize(int capacity) {
        long[] r = new long[capacity];
        Bytes[] k = new Bytes[capacity];
        VersionRecord[] v = new VersionRecord[capacity];
        long[] sup = new long[capacity];
        int[] sz = new int[capacity];
        for (int j = 0; j < size; j++) {
            int s = slot(j);
            r[j] = revisions[s];
            k[j] = userKeys[s];
            v[j] = values[s];
            sup[j] = superseded[s];
            sz[j] = sizes[s];
        }
        revisions = r;
        userKeys = k;
        values = v;
        superseded = sup;
        sizes = sz;
        head = 0;
    }
}
