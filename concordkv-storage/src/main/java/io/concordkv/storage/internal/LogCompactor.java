package io.concordkv.storage.internal;

import io.concordkv.storage.log.LogRecord;
import io.concordkv.storage.log.RecordRewriter;
import java.util.Arrays;

/**
 * Log compaction for the embedded store: keeps, for every key, only the last operation on it in
 * the compacted segments. A delete is kept too, unless {@code dropTombstones} says that nothing
 * older (no snapshot below the log) could bring the key back. A record whose operations are all
 * superseded is dropped; a record with some survivors is rewritten with only those (their bytes
 * copied as they are). Only keys are decoded, and each key's last position is kept in an
 * open-addressing table of primitive arrays, so a pass over a large log allocates little. One
 * instance per compaction, one thread.
 */
public final class LogCompactor implements RecordRewriter {
    /** Positions pack the record index (high 40 bits) and the op's place in it (low 24 bits). */
    private static final int OP_BITS = 24;

    private final boolean dropTombstones;
    private final KeyPositions latest = new KeyPositions();

    public LogCompactor(boolean dropTombstones) {
        this.dropTombstones = dropTombstones;
    }

    private static long position(long index, int op) {
        return index << OP_BITS | op;
    }

    @Override
    public void observe(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return;
        }
        long index = record.index();
        byte[] payload = record.payload();
        WalCodec.forEachKeyRange(payload, (i, put, off, len) -> latest.put(payload, off, len, position(index, i)));
    }

    @Override
    public byte[] rewrite(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return record.payload();
        }
        long index = record.index();
        int[] counts = new int[2];
        boolean[][] keep = {new boolean[8]};
        byte[] payload = record.payload();
        WalCodec.forEachKeyRange(payload, (i, put, off, len) -> {
            if (i >= keep[0].length) {
                keep[0] = Arrays.copyOf(keep[0], Math.max(i + 1, keep[0].length * 2));
            }
            counts[0]++;
            if (latest.get(payload, off, len) == position(index, i) && (put || !dropTombstones)) {
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
     * Key → last position, linear probing; -1 when absent. Keys are given as ranges of a record's
     * payload and hashed in place; a key is copied only when first stored, and a probe looks at a
     * stored key's bytes only when the stored hash matches. Single-threaded.
     */
    static final class KeyPositions {
        private byte[][] keys = new byte[1024][];
        private int[] hashes = new int[1024];
        private long[] positions = new long[1024];
        private int size;

        void put(byte[] src, int off, int len, long position) {
            if (size * 2 >= keys.length) {
                grow();
            }
            int h = hash(src, off, len);
            int mask = keys.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                byte[] k = keys[i];
                if (k == null) {
                    keys[i] = Arrays.copyOfRange(src, off, off + len);
                    hashes[i] = h;
                    positions[i] = position;
                    size++;
                    return;
                }
                if (hashes[i] == h && Arrays.equals(k, 0, k.length, src, off, off + len)) {
                    positions[i] = position;
                    return;
                }
            }
        }

        long get(byte[] src, int off, int len) {
            int h = hash(src, off, len);
            int mask = keys.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                byte[] k = keys[i];
                if (k == null) {
                    return -1;
                }
                if (hashes[i] == h && Arrays.equals(k, 0, k.length, src, off, off + len)) {
                    return positions[i];
                }
            }
        }

        private void grow() {
            byte[][] oldKeys = keys;
            int[] oldHashes = hashes;
            long[] oldPositions = positions;
            int capacity = oldKeys.length * 2;
            keys = new byte[capacity][];
            hashes = new int[capacity];
            positions = new long[capacity];
            int mask = capacity - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != null) {
                    int i = oldHashes[j] & mask;
                    while (keys[i] != null) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    hashes[i] = oldHashes[j];
                    positions[i] = oldPositions[j];
                }
            }
        }

        /** FNV-1a over the bytes, then a multiplicative mix so that the low bits (the slot) spread. */
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
