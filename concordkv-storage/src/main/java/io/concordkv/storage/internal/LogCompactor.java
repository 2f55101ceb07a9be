package io.concordkv.storage.internal;

import io.concordkv.storage.LogDependencies;
import io.concordkv.storage.log.LogRecord;
import io.concordkv.storage.log.RecordRewriter;
import java.util.Arrays;

/**
 * Log compaction for the embedded store: keeps, for every key, only the last operation on it in
 * the compacted segments. A delete is kept too, unless {@code dropTombstones} says that nothing
 * older (no snapshot below the log) could bring the key back. A record whose operations are all
 * superseded is dropped; a record with some survivors is rewritten with only those (their bytes
 * copied as they are).
 *
 * <p>A range delete supersedes every earlier operation on a key in its range, which the first
 * pass cannot see key by key; so it notes the range, and when it is over, every key whose last
 * operation came before a range covering it is marked superseded ({@link #applyRanges}). A range
 * delete is kept like a delete, unless a later range delete covers all of its range (that one
 * removes whatever it would).
 *
 * <p>Keys that a later range delete covers need not be in the key table at all: with a preview
 * ({@code preview}), the compactor first reads only the range deletes of the log, and the first
 * pass then marks an operation superseded at once when a range still ahead of it covers its key
 * ({@link Cover}). The MVCC store's history records, one per overwrite, each under a new key, are
 * all covered by the range deletes of its history compaction; without the preview every one took
 * a slot in the table, which then grew to several times the number of live keys.
 *
 * <p>The first pass numbers every operation in log order and keeps each key's latest number in an
 * open-addressing table of primitive arrays; when a key comes again, the number it had is marked
 * superseded in a bit set. The second pass sees the same records in the same order (the
 * {@link RecordRewriter} contract), numbers them the same way and keeps what is not marked, so it
 * looks nothing up, and the key table is dropped before it starts. Only keys are decoded, and a
 * pass over a large log allocates little. One instance per compaction, one thread.
 *
 * <p>A put that depends on an earlier operation ({@link LogDependencies}: the MVCC store's history
 * entry that names the version it files) pins it: the first pass notes the pair, the operation
 * the dependency's key last had before the put; once the first pass is over, every pair whose put
 * survives keeps its operation, superseded or not. A put that a later range delete covers pins
 * nothing (it goes). An operation that a range delete still ahead removes is not in the key table,
 * so nothing can depend on one: the MVCC store never logs such a put (its range deletes remove
 * history keys, and a restore's removes the references with the versions). A put that also
 * writes another key ({@link LogDependencies#alsoWrites}: the MVCC store's new version of a key,
 * which files the one it replaces, so depends on its key's previous operation) pins nothing when
 * a range delete still ahead removes that key (the history entry is cut later), found through the
 * preview's cover; without a preview, or where the cover misses it, it pins, which keeps more
 * than needed but never less. An operation kept only for such a put pins what it depends on in
 * turn: a key's chain of versions stays as far back as its history does.
 */
public final class LogCompactor implements RecordRewriter {
    private final boolean dropTombstones;
    private final boolean preview;
    private final LogDependencies dependencies;
    /** Pairs of the first pass: a dependent put's number, then the number of the operation it depends on. */
    private long[] pins = new long[64];
    private int pinCount;
    /** Bit n set: the n-th operation stays, superseded or not, for a dependent put that stays. */
    private long[] pinned = new long[0];
    private KeyPositions latest = new KeyPositions();
    /** Bit n set: the n-th operation of the first pass was superseded by a later one on its key. */
    private long[] superseded = new long[1024];
    /** Operations numbered by the first pass, and by the second so far. */
    private long observed;
    private long rewritten;
    /** The range deletes of the first pass, in log order. */
    private final java.util.List<RangeTombstone> ranges = new java.util.ArrayList<>();
    /** The range deletes of the preview pass, in log order, and the operations it numbered. */
    private final java.util.List<RangeTombstone> previewed = new java.util.ArrayList<>();
    private long previewedOps;
    /** {@code covers[j]}: part of what the previewed ranges from the j-th on cover; null when none. */
    private Cover[] covers;
    /** The first previewed range the first pass has not reached yet. */
    private int nextRange;

    private record RangeTombstone(long op, byte[] from, byte[] to) {
        boolean sameAs(RangeTombstone other) {
            return op == other.op && Arrays.equals(from, other.from) && Arrays.equals(to, other.to);
        }

        boolean contains(RangeTombstone inner) {
            return Arrays.compareUnsigned(from, inner.from) <= 0 && Arrays.compareUnsigned(inner.to, to) <= 0;
        }

        boolean contains(byte[] key, int off, int len) {
            return Arrays.compareUnsigned(from, 0, from.length, key, off, off + len) <= 0
                && Arrays.compareUnsigned(key, off, off + len, to, 0, to.length) < 0;
        }
    }

    /** A compactor without a preview pass. */
    public LogCompactor(boolean dropTombstones) {
        this(dropTombstones, false);
    }

    /**
     * @param dropTombstones whether nothing below the log (no snapshot) could bring a deleted key back
     * @param preview whether to read the log's range deletes first (worth it when it may hold some)
     */
    public LogCompactor(boolean dropTombstones, boolean preview) {
        this(dropTombstones, preview, LogDependencies.NONE);
    }

    /**
     * @param dependencies which puts depend on earlier operations (the engine's)
     */
    public LogCompactor(boolean dropTombstones, boolean preview, LogDependencies dependencies) {
        this.dropTombstones = dropTombstones;
        this.preview = preview;
        this.dependencies = java.util.Objects.requireNonNull(dependencies, "dependencies");
    }

    @Override
    public boolean wantsPreview() {
        return preview;
    }

    @Override
    public void preview(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return;
        }
        if (covers != null || !preview) {
            throw new IllegalStateException("preview after observe, or not asked for");
        }
        byte[] payload = record.payload();
        WalCodec.forEachKeyRange(payload, (i, kind, off, len, endOff, endLen) -> {
            if (kind == WalCodec.Kind.DELETE_RANGE) {
                previewed.add(new RangeTombstone(previewedOps, Arrays.copyOfRange(payload, off, off + len),
                    Arrays.copyOfRange(payload, endOff, endOff + endLen)));
            }
            previewedOps++;
        });
    }

    @Override
    public void observe(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return;
        }
        if (latest == null) {
            throw new IllegalStateException("observe after rewrite");
        }
        if (covers == null) {
            covers = Cover.suffixes(previewed);
        }
        byte[] payload = record.payload();
        WalCodec.forEachKeyRange(payload, (i, kind, off, len, endOff, endLen) -> {
            if (kind == WalCodec.Kind.DELETE_RANGE) {
                RangeTombstone range = new RangeTombstone(observed, Arrays.copyOfRange(payload, off, off + len),
                    Arrays.copyOfRange(payload, endOff, endOff + endLen));
                ranges.add(range);
                if (preview) {
                    if (nextRange >= previewed.size() || !previewed.get(nextRange).sameAs(range)) {
                        throw new IllegalStateException("the first pass met range delete " + observed
                            + " where the preview had none");
                    }
                    nextRange++;
                }
            } else {
                Cover ahead = covers[nextRange];
                if (ahead != null && ahead.contains(payload, off, len)) {
                    markSuperseded(observed); // a later range delete removes it: no need to track its key
                } else {
                    if (kind == WalCodec.Kind.PUT) {
                        notePin(payload, off, len, endOff, endLen);
                    }
                    long previous = latest.put(payload, off, len, observed);
                    if (previous >= 0) {
                        markSuperseded(previous);
                    }
                }
            }
            observed++;
        });
    }

    /** First pass: if the put numbered {@link #observed} depends on an operation, notes the pair. */
    private void notePin(byte[] payload, int off, int len, int valueOff, int valueLen) {
        byte[] on = dependencies.dependency(payload, off, len, valueOff, valueLen);
        if (on == null) {
            return;
        }
        byte[] also = dependencies.alsoWrites(payload, off, len, valueOff, valueLen);
        Cover ahead = covers[nextRange];
        if (also != null && ahead != null && ahead.contains(also, 0, also.length)) {
            return; // what the put also writes goes later: it needs nothing before it
        }
        long target = latest.get(on, 0, on.length);
        if (target < 0) {
            return; // below the records compacted (or going anyway): nothing here to keep
        }
        if (pinCount + 2 > pins.length) {
            pins = Arrays.copyOf(pins, pins.length * 2);
        }
        pins[pinCount++] = observed;
        pins[pinCount++] = target;
    }

    /**
     * Between the passes, after {@link #applyRanges}: every operation a surviving put depends on
     * stays, and so, in turn, does what a kept one depends on. Pairs are visited newest put first:
     * an operation kept for a later put is known to stay before its own pair (an earlier one) is
     * visited.
     */
    private void applyPins() {
        for (int i = pinCount - 2; i >= 0; i -= 2) {
            if (!isSuperseded(pins[i]) || isPinned(pins[i])) {
                long op = pins[i + 1];
                int word = (int) (op >>> 6);
                if (word >= pinned.length) {
                    pinned = Arrays.copyOf(pinned, Math.max(word + 1, pinned.length * 2));
                }
                pinned[word] |= 1L << op;
            }
        }
        pins = null;
    }

    private boolean isPinned(long op) {
        int word = (int) (op >>> 6);
        return word < pinned.length && (pinned[word] & 1L << op) != 0;
    }

    /** Number of keys the first pass tracks; a diagnostic for tests. */
    int trackedKeys() {
        return latest.size;
    }

    private void markSuperseded(long op) {
        int word = (int) (op >>> 6);
        if (word >= superseded.length) {
            superseded = Arrays.copyOf(superseded, Math.max(word + 1, superseded.length * 2));
        }
        superseded[word] |= 1L << op;
    }

    private boolean isSuperseded(long op) {
        int word = (int) (op >>> 6);
        return word < superseded.length && (superseded[word] & 1L << op) != 0;
    }

    @Override
    public byte[] rewrite(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return record.payload();
        }
        if (latest != null) {
            if (preview && (previewedOps != observed || nextRange != previewed.size())) {
                throw new IllegalStateException("the preview saw " + previewedOps + " operations, the first pass "
                    + observed);
            }
            applyRanges();
            applyPins();
            latest = null; // the first pass is over: its table is no longer needed
        }
        int[] counts = new int[2];
        boolean[][] keep = {new boolean[8]};
        byte[] payload = record.payload();
        WalCodec.forEachKeyRange(payload, (i, kind, off, len, endOff, endLen) -> {
            if (i >= keep[0].length) {
                keep[0] = Arrays.copyOf(keep[0], Math.max(i + 1, keep[0].length * 2));
            }
            long op = rewritten++;
            if (op >= observed) {
                throw new IllegalStateException("rewrite saw more operations than observe (" + observed + ")");
            }
            counts[0]++;
            if ((!isSuperseded(op) || isPinned(op)) && (kind == WalCodec.Kind.PUT || !dropTombstones)) {
                keep[0][i] = true;
                counts[1]++;
            }
        });
        if (counts[1] == 0) {
            return null;
        }
        return counts[1] == counts[0] ? record.payload() : WalCodec.retain(record.payload(), keep[0]);
    }

    /**
     * Between the passes: a range delete inside a later one is superseded by it; every key whose
     * last operation precedes a range delete covering it is superseded. Only the outermost ranges
     * are checked against the keys (for the MVCC store's history compaction, whose ranges grow
     * from one start, that is one range), so the work is the key table's size times their number.
     */
    private void applyRanges() {
        if (ranges.isEmpty()) {
            return;
        }
        java.util.List<RangeTombstone> outer = new java.util.ArrayList<>();
        for (int r = ranges.size() - 1; r >= 0; r--) {
            RangeTombstone t = ranges.get(r);
            if (outer.stream().anyMatch(later -> later.contains(t))) {
                markSuperseded(t.op());
            } else {
                outer.add(t);
            }
        }
        latest.forEach((key, off, len, position) -> {
            for (RangeTombstone t : outer) {
                if (t.op() > position && t.contains(key, off, len)) {
                    markSuperseded(position);
                    return;
                }
            }
        });
    }

    /**
     * Part of the key space that some range deletes cover: at most {@value #MAX_INTERVALS} disjoint
     * intervals {@code [from, to)}, sorted. Any part will do (a key it misses is still found
     * superseded by {@link #applyRanges}); it is kept small so that checking a key stays cheap.
     */
    static final class Cover {
        static final int MAX_INTERVALS = 8;
        private final byte[][] from;
        private final byte[][] to;

        private Cover(byte[][] from, byte[][] to) {
            this.from = from;
            this.to = to;
        }

        /**
         * {@code result[j]} covers part of the union of {@code ranges[j..]} (null when empty); the
         * array has one more element than {@code ranges}. Built from the last range back, so a
         * range inside what the later ones cover costs nothing: for the MVCC store's history
         * compaction, whose ranges grow from one start, every element is one interval.
         */
        static Cover[] suffixes(java.util.List<RangeTombstone> ranges) {
            Cover[] result = new Cover[ranges.size() + 1];
            for (int j = ranges.size() - 1; j >= 0; j--) {
                result[j] = with(result[j + 1], ranges.get(j).from(), ranges.get(j).to());
            }
            return result;
        }

        /** {@code base} (may be null) with {@code [f, t)} added, merged, and cut to the limit. */
        static Cover with(Cover base, byte[] f, byte[] t) {
            java.util.List<byte[][]> intervals = new java.util.ArrayList<>();
            if (base != null) {
                for (int i = 0; i < base.from.length; i++) {
                    if (Arrays.compareUnsigned(base.from[i], f) <= 0 && Arrays.compareUnsigned(t, base.to[i]) <= 0) {
                        return base;
                    }
                    intervals.add(new byte[][] {base.from[i], base.to[i]});
                }
            }
            intervals.add(new byte[][] {f, t});
            intervals.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
            java.util.List<byte[][]> merged = new java.util.ArrayList<>();
            for (byte[][] next : intervals) {
                byte[][] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && Arrays.compareUnsigned(next[0], last[1]) <= 0) {
                    if (Arrays.compareUnsigned(next[1], last[1]) > 0) {
                        last[1] = next[1];
                    }
                } else if (merged.size() < MAX_INTERVALS) {
                    merged.add(new byte[][] {next[0], next[1]});
                }
            }
            byte[][] froms = new byte[merged.size()][];
            byte[][] tos = new byte[merged.size()][];
            for (int i = 0; i < froms.length; i++) {
                froms[i] = merged.get(i)[0];
                tos[i] = merged.get(i)[1];
            }
            return new Cover(froms, tos);
        }

        boolean contains(byte[] key, int off, int len) {
            for (int i = 0; i < from.length; i++) {
                if (Arrays.compareUnsigned(key, off, off + len, to[i], 0, to[i].length) < 0) {
                    return Arrays.compareUnsigned(from[i], 0, from[i].length, key, off, off + len) <= 0;
                }
            }
            return false;
        }
    }

    /**
     * Key → last position, linear probing; -1 when absent. Keys are given as ranges of a record's
     * payload. Each slot is {@value #SLOT} {@code long}s side by side: the key's hash and length,
     * its position, then the key itself when it has at most {@value #INLINE} bytes (packed eight to
     * a word, zero-padded), else where its bytes are (copied into large shared chunks when the key
     * is first stored). So a probe for a short key — every key of the MVCC store's usual records —
     * reads one slot and nothing else: comparing the key in place needs no second cache miss.
     * Single-threaded.
     */
    static final class KeyPositions {
        static final int INLINE = 32;
        private static final int WORDS = INLINE / Long.BYTES;
        private static final int SLOT = 2 + WORDS;
        private static final int CHUNK_BYTES = 1 << 20;
        private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        /** Per slot: hash (high 32 bits) and length + 1 (low 32; 0 means empty), position, key words or address. */
        private long[] slots = new long[SLOT * 1024];
        private int capacity = 1024;
        private int size;
        private byte[][] chunks = new byte[4][];
        private int chunkCount;
        private int chunkUsed;
        /** The short key being looked up, packed as it is in a slot. */
        private final long[] words = new long[WORDS];

        /** Sets {@code key}'s position; returns the one it had, or -1. */
        long put(byte[] src, int off, int len, long position) {
            if (size * 2 >= capacity) {
                grow();
            }
            boolean inline = len <= INLINE;
            long tag = tag(hashOf(src, off, len), len);
            int mask = capacity - 1;
            for (int i = (int) (tag >>> 32) & mask; ; i = (i + 1) & mask) {
                int s = SLOT * i;
                long t = slots[s];
                if (t == 0) {
                    slots[s] = tag;
                    slots[s + 1] = position;
                    if (inline) {
                        System.arraycopy(words, 0, slots, s + 2, WORDS);
                    } else {
                        slots[s + 2] = store(src, off, len);
                    }
                    size++;
                    return -1;
                }
                if (t == tag && (inline ? sameWords(s) : sameKey(slots[s + 2], src, off, len))) {
                    long previous = slots[s + 1];
                    slots[s + 1] = position;
                    return previous;
                }
            }
        }

        long get(byte[] src, int off, int len) {
            boolean inline = len <= INLINE;
            long tag = tag(hashOf(src, off, len), len);
            int mask = capacity - 1;
            for (int i = (int) (tag >>> 32) & mask; ; i = (i + 1) & mask) {
                int s = SLOT * i;
                long t = slots[s];
                if (t == 0) {
                    return -1;
                }
                if (t == tag && (inline ? sameWords(s) : sameKey(slots[s + 2], src, off, len))) {
                    return slots[s + 1];
                }
            }
        }

        /** Receives a key (in a scratch array or a chunk: read it before returning) and its position. */
        interface Visitor {
            void entry(byte[] key, int off, int len, long position);
        }

        /** Visits every key and its last position, in no particular order. */
        void forEach(Visitor visitor) {
            byte[] scratch = new byte[INLINE];
            for (int i = 0; i < capacity; i++) {
                int s = SLOT * i;
                long t = slots[s];
                if (t == 0) {
                    continue;
                }
                int len = (int) t - 1;
                if (len <= INLINE) {
                    for (int b = 0; b < len; b++) {
                        scratch[b] = (byte) (slots[s + 2 + b / Long.BYTES] >>> (8 * (b % Long.BYTES)));
                    }
                    visitor.entry(scratch, 0, len, slots[s + 1]);
                } else {
                    long address = slots[s + 2];
                    visitor.entry(chunks[(int) (address >>> 32)], (int) address, len, slots[s + 1]);
                }
            }
        }

        /** The key's hash; a short key is also left packed in {@link #words}. */
        int hashOf(byte[] src, int off, int len) {
            return len <= INLINE ? pack(src, off, len) : hash(src, off, len);
        }

        private static long tag(int hash, int len) {
            return (long) hash << 32 | (len + 1L);
        }

        /**
         * Packs a key of at most {@value #INLINE} bytes into {@link #words} (little-endian, zero
         * padding; the length, kept in the tag, tells "a" from "a\0") and returns its hash.
         */
        private int pack(byte[] src, int off, int len) {
            long h = len * 0x9E3779B97F4A7C15L;
            for (int w = 0; w < WORDS; w++) {
                int at = off + w * Long.BYTES;
                int n = len - w * Long.BYTES;
                long v = 0;
                if (n >= Long.BYTES) {
                    v = (long) LONGS.get(src, at);
                } else {
                    for (int b = n - 1; b >= 0; b--) {
                        v = v << 8 | (src[at + b] & 0xFF);
                    }
                }
                words[w] = v;
                h = (h ^ v) * 0xBF58476D1CE4E5B9L;
                h ^= h >>> 31;
            }
            return (int) (h ^ h >>> 32);
        }

        private boolean sameWords(int s) {
            for (int w = 0; w < WORDS; w++) {
                if (slots[s + 2 + w] != words[w]) {
                    return false;
                }
            }
            return true;
        }

        /** Copies the key into the current chunk (a new one if it does not fit); returns chunk and offset. */
        private long store(byte[] src, int off, int len) {
            if (chunkCount == 0 || chunkUsed + len > chunks[chunkCount - 1].length) {
                if (chunkCount == chunks.length) {
                    chunks = Arrays.copyOf(chunks, chunkCount * 2);
                }
                chunks[chunkCount++] = new byte[Math.max(CHUNK_BYTES, len)];
                chunkUsed = 0;
            }
            System.arraycopy(src, off, chunks[chunkCount - 1], chunkUsed, len);
            long address = (long) (chunkCount - 1) << 32 | chunkUsed;
            chunkUsed += len;
            return address;
        }

        private boolean sameKey(long address, byte[] src, int off, int len) {
            byte[] chunk = chunks[(int) (address >>> 32)];
            int at = (int) address;
            return Arrays.equals(chunk, at, at + len, src, off, off + len);
        }

        private void grow() {
            long[] old = slots;
            int oldCapacity = capacity;
            capacity = oldCapacity * 2;
            slots = new long[SLOT * capacity];
            int mask = capacity - 1;
            for (int j = 0; j < oldCapacity; j++) {
                long t = old[SLOT * j];
                if (t != 0) {
                    int i = (int) (t >>> 32) & mask;
                    while (slots[SLOT * i] != 0) {
                        i = (i + 1) & mask;
                    }
                    System.arraycopy(old, SLOT * j, slots, SLOT * i, SLOT);
                }
            }
        }

        /** FNV-1a over the bytes of a long key, then a multiplicative mix so that the low bits (the slot) spread. */
        private static int hash(byte[] src, int off, int len) {
            int h = 0x811C9DC5;
            for (int i = off; i < off + len; i++) {
                h = (h ^ (src[i] & 0xFF)) * 0x01000193;
            }
            h ^= h >>> 16;
            h *= 0x85EBCA6B;
            return h ^ (h >>> 13);
        }
    }
}
