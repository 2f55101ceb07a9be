package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.log.LogRecord;
import io.concordkv.storage.log.RecordRewriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Log compaction for the embedded store: keeps, for every key, only the last operation on it in
 * the compacted segments. A delete is kept too, unless {@code dropTombstones} says that nothing
 * older (no snapshot below the log) could bring the key back. A record whose operations are all
 * superseded is dropped; a record with some survivors is rewritten with only those. One instance
 * per compaction, one thread.
 */
public final class LogCompactor implements RecordRewriter {
    private record Position(long index, int op) {
    }

    private final boolean dropTombstones;
    private final Map<Bytes, Position> latest = new HashMap<>();

    public LogCompactor(boolean dropTombstones) {
        this.dropTombstones = dropTombstones;
    }

    @Override
    public void observe(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return;
        }
        List<WriteBatch.Op> ops = WalCodec.decode(record.payload()).ops();
        for (int i = 0; i < ops.size(); i++) {
            latest.put(ops.get(i).key(), new Position(record.index(), i));
        }
    }

    @Override
    public byte[] rewrite(LogRecord record) {
        if (record.type() != WalCodec.BATCH) {
            return record.payload();
        }
        List<WriteBatch.Op> ops = WalCodec.decode(record.payload()).ops();
        List<WriteBatch.Op> kept = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            WriteBatch.Op op = ops.get(i);
            boolean isLatest = new Position(record.index(), i).equals(latest.get(op.key()));
            if (isLatest && (op instanceof WriteBatch.Put || !dropTombstones)) {
                kept.add(op);
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        return kept.size() == ops.size() ? record.payload() : WalCodec.encode(WriteBatch.of(kept));
    }
}
