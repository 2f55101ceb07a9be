package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
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
        WalCodec.forEachKey(record.payload(), (i, put, key) -> latest.put(key, position(index, i)));
    }

    @Override
    public byte[] rewrite(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return record.payload();
        }
        long index = record.index();
        int[] counts = new int[2];
        boolean[][] keep = {new boolean[8]};
        WalCodec.forEachKey(record.payload(), (i, put, key) -> {
            if (i >= keep[0].length) {
                keep[0] = Arrays.copyOf(keep[0], Math.max(i + 1, keep[0].length * 2));
            }
            counts[0]++;
            if (latest.get(key) == position(index, i) && (put || !dropTombstones)) {
                keep[0][i] = true;
                counts[1]++;
            }
        });
        if (counts[1] == 0) {
            return null;
        }
        return counts[1] == counts[0] ? record.payload() : WalCodec.retain(record.payload(), keep[0]);
    }

    /** Key → last position, linear probing; -1 when absent. Single-threaded. */
    static final class KeyPositions {
        private Bytes[] keys = new Bytes[1024];
        private long[] positions = new long[1024];
        private int size;

        void put(Bytes key, long position) {
            if (size * 2 >= keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            for (int i = spread(key.hashCode()) & mask; ; i = (i + 1) & mask) {
                Bytes k = keys[i];
                if (k == null) {
                    keys[i] = key;
                    positions[i] = position;
                    size++;
                    return;
                }
                if (k.equals(key)) {
                    positions[i] = position;
                    return;
                }
            }
        }

        long get(Bytes key) {
            int mask = keys.length - 1;
            for (int i = spread(key.hashCode()) & mask; ; i = (i + 1) & mask) {
                Bytes k = keys[i];
                if (k == null) {
                    return -1;
                }
                if (k.equals(key)) {
                    return positions[i];
                }
            }
        }

        private void grow() {
            Bytes[] oldKeys = keys;
            long[] oldPositions = positions;
            keys = new Bytes[oldKeys.length * 2];
            positions = new long[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    put(oldKeys[i], oldPositions[i]);
                }
            }
        }

        private static int spread(int h) {
            return (h ^ (h >>> 16)) * 0x9E3779B9;
        }
    }
}
