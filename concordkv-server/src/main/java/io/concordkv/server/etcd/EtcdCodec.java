package io.concordkv.server.etcd;

import com.google.protobuf.ByteString;
import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.service.KeyRanges;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.KeyVersion;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import java.util.Optional;

/**
 * Conversions between etcd v3 messages and ConcordKV's types: key ranges with etcd's
 * {@code range_end} conventions, key-values, events, range requests. Stateless.
 */
final class EtcdCodec {
    private EtcdCodec() {
    }

    static Bytes bytes(ByteString s) {
        return Bytes.wrap(s.toByteArray());
    }

    static ByteString bytes(Bytes b) {
        return ByteString.copyFrom(b.unsafeArray());
    }

    /** etcd's key range ({@link KeyRanges#etcd}). */
    static ScanRange keys(ByteString key, ByteString rangeEnd) {
        return KeyRanges.etcd(bytes(key), bytes(rangeEnd));
    }

    static RangeQuery query(RangeRequest r) {
        if (r.getLimit() < 0 || r.getRevision() < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "limit and revision must not be negative");
        }
        ScanRange keys = keys(r.getKey(), r.getRangeEnd()).withLimit((int) Math.min(Integer.MAX_VALUE, r.getLimit()));
        RangeQuery.SortOrder order = switch (r.getSortOrderValue()) {
            case 1 -> RangeQuery.SortOrder.ASCEND;
            case 2 -> RangeQuery.SortOrder.DESCEND;
            default -> RangeQuery.SortOrder.NONE;
        };
        RangeQuery.SortTarget target = switch (r.getSortTargetValue()) {
            case 1 -> RangeQuery.SortTarget.VERSION;
            case 2 -> RangeQuery.SortTarget.CREATE;
            case 3 -> RangeQuery.SortTarget.MOD;
            case 4 -> RangeQuery.SortTarget.VALUE;
            default -> RangeQuery.SortTarget.KEY;
        };
        return new RangeQuery(keys, r.getRevision(), target, order, r.getKeysOnly(), r.getCountOnly(),
            r.getMinModRevision(), r.getMaxModRevision(), r.getMinCreateRevision(), r.getMaxCreateRevision());
    }

    static KeyValue kv(KeyVersion v) {
        return KeyValue.newBuilder().setKey(bytes(v.key())).setValue(bytes(v.value()))
            .setCreateRevision(v.createRevision()).setModRevision(v.modRevision()).setVersion(v.version())
            .setLease(v.lease()).build();
    }

    static Event event(ChangeEvent e, boolean withPrevious) {
        Event.Builder b = Event.newBuilder().setType(e.deleted() ? Event.EventType.DELETE : Event.EventType.PUT)
            .setKv(kv(e.kv()));
        Optional<KeyVersion> prev = e.previous();
        if (withPrevious && prev.isPresent()) {
            b.setPrevKv(kv(prev.get()));
        }
        return b.build();
    }
}
