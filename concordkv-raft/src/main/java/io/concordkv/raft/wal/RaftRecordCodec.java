package io.concordkv.raft.wal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.SnapshotMeta;
import io.concordkv.storage.log.LogRecord;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Encodes and decodes the payloads of the Raft write-ahead log's records and the snapshot
 * metadata the snapshot files share; the formats are in the package documentation. Stateless.
 */
final class RaftRecordCodec {
    static final byte ENTRY = 1;
    static final byte HARD_STATE = 2;
    static final byte SNAPSHOT = 3;

    private static final byte NORMAL = 0;
    private static final byte CONF_CHANGE = 1;
    private static final byte OWN_SNAPSHOT = 1;
    private static final byte INSTALLED_SNAPSHOT = 2;

    private RaftRecordCodec() {
    }

    static byte[] entry(Entry e) {
        ByteBuffer b = ByteBuffer.allocate(17 + e.data().length);
        b.putLong(e.term()).putLong(e.index()).put(e.type() == Entry.Type.NORMAL ? NORMAL : CONF_CHANGE).put(e.data());
        return b.array();
    }

    static byte[] hardState(HardState hs) {
        return ByteBuffer.allocate(24).putLong(hs.term()).putLong(hs.vote()).putLong(hs.commit()).array();
    }

    static byte[] snapshot(SnapshotMeta meta, boolean install) {
        ByteBuffer b = ByteBuffer.allocate(1 + metaBytes(meta));
        b.put(install ? INSTALLED_SNAPSHOT : OWN_SNAPSHOT);
        putMeta(b, meta);
        return b.array();
    }

    /** Bytes {@link #putMeta} writes. */
    static int metaBytes(SnapshotMeta meta) {
        return 16 + 4 + 8 * meta.conf().voters().size() + 4 + 8 * meta.conf().learners().size();
    }

    /** index u64 | term u64 | voter count u32 | voter ids u64... | learner count u32 | learner ids u64... */
    static void putMeta(ByteBuffer b, SnapshotMeta meta) {
        b.putLong(meta.index()).putLong(meta.term());
        putIds(b, meta.conf().voters());
        putIds(b, meta.conf().learners());
    }

    static SnapshotMeta getMeta(ByteBuffer b) {
        long index = b.getLong();
        long term = b.getLong();
        List<Long> voters = getIds(b);
        List<Long> learners = getIds(b);
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("negative snapshot index or term");
        }
        return new SnapshotMeta(index, term, new ConfState(Set.copyOf(voters), Set.copyOf(learners)));
    }

    /**
     * Decodes one record of the segmented log.
     *
     * @throws KvException {@code CORRUPTION} naming the record when its type or payload is not valid
     */
    static RaftRecord decode(LogRecord rec) {
        ByteBuffer b = ByteBuffer.wrap(rec.payload());
        try {
            RaftRecord out = switch (rec.type()) {
                case ENTRY -> new RaftRecord.EntryRecord(rec.index(), decodeEntry(b));
                case HARD_STATE -> new RaftRecord.HardStateRecord(rec.index(),
                    new HardState(b.getLong(), b.getLong(), b.getLong()));
                case SNAPSHOT -> decodeSnapshot(rec.index(), b);
                default -> throw new IllegalArgumentException("unknown record type " + rec.type());
            };
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes after the payload");
            }
            return out;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new KvException(ErrorCode.CORRUPTION, "raft log record " + rec.index() + " (type " + rec.type()
                + ", " + rec.payload().length + " bytes) is not valid: "
                + (e.getMessage() == null ? "payload too short" : e.getMessage()), e);
        }
    }

    private static Entry decodeEntry(ByteBuffer b) {
        long term = b.getLong();
        long index = b.getLong();
        byte type = b.get();
        if (type != NORMAL && type != CONF_CHANGE) {
            throw new IllegalArgumentException("unknown entry type " + type);
        }
        byte[] data = new byte[b.remaining()];
        b.get(data);
        return new Entry(term, index, type == NORMAL ? Entry.Type.NORMAL : Entry.Type.CONF_CHANGE, data);
    }

    private static RaftRecord decodeSnapshot(long walIndex, ByteBuffer b) {
        byte kind = b.get();
        if (kind != OWN_SNAPSHOT && kind != INSTALLED_SNAPSHOT) {
            throw new IllegalArgumentException("unknown snapshot kind " + kind);
        }
        return new RaftRecord.SnapshotRecord(walIndex, getMeta(b), kind == INSTALLED_SNAPSHOT);
    }

    private static void putIds(ByteBuffer b, Collection<Long> ids) {
        b.putInt(ids.size());
        ids.stream().sorted().forEach(b::putLong);
    }

    private static List<Long> getIds(ByteBuffer b) {
        int count = b.getInt();
        if (count < 0 || count > b.remaining() / 8) {
            throw new IllegalArgumentException("bad member count " + count);
        }
        List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(b.getLong());
        }
        return ids;
    }
}
