package io.concordkv.client.internal;

import com.google.protobuf.ByteString;
import io.concordkv.api.Bytes;
import io.concordkv.client.DeleteResult;
import io.concordkv.client.GetResult;
import io.concordkv.client.KeyValue;
import io.concordkv.client.Member;
import io.concordkv.client.OpResult;
import io.concordkv.client.PutResult;
import io.concordkv.client.TxnResult;
import io.concordkv.client.WatchEvent;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** etcd v3 protobuf responses as the client's records. Stateless. */
final class ResponseCodec {
    private ResponseCodec() {
    }

    static Bytes bytes(ByteString b) {
        return b.isEmpty() ? Bytes.EMPTY : Bytes.wrap(b.toByteArray());
    }

    static KeyValue kv(io.etcd.jetcd.api.KeyValue kv) {
        return new KeyValue(bytes(kv.getKey()), bytes(kv.getValue()), kv.getCreateRevision(), kv.getModRevision(),
            kv.getVersion(), kv.getLease());
    }

    private static List<KeyValue> kvs(List<io.etcd.jetcd.api.KeyValue> list) {
        return list.stream().map(ResponseCodec::kv).toList();
    }

    static GetResult range(RangeResponse r, long revision) {
        return new GetResult(revision, kvs(r.getKvsList()), r.getCount(), r.getMore());
    }

    static GetResult range(RangeResponse r) {
        return range(r, r.getHeader().getRevision());
    }

    static PutResult put(PutResponse r, long revision) {
        return new PutResult(revision, r.hasPrevKv() ? Optional.of(kv(r.getPrevKv())) : Optional.empty());
    }

    static PutResult put(PutResponse r) {
        return put(r, r.getHeader().getRevision());
    }

    static DeleteResult delete(DeleteRangeResponse r, long revision) {
        return new DeleteResult(revision, r.getDeleted(), kvs(r.getPrevKvsList()));
    }

    static DeleteResult delete(DeleteRangeResponse r) {
        return delete(r, r.getHeader().getRevision());
    }

    /** A transaction's result; its operations' results carry the transaction's revision. */
    static TxnResult txn(TxnResponse r) {
        long revision = r.getHeader().getRevision();
        List<OpResult> results = new ArrayList<>(r.getResponsesCount());
        for (ResponseOp op : r.getResponsesList()) {
            results.add(switch (op.getResponseCase()) {
                case RESPONSE_RANGE -> range(op.getResponseRange(), revision);
                case RESPONSE_PUT -> put(op.getResponsePut(), revision);
                case RESPONSE_DELETE_RANGE -> delete(op.getResponseDeleteRange(), revision);
                default -> throw new IllegalStateException("unexpected txn response " + op.getResponseCase());
            });
        }
        return new TxnResult(revision, r.getSucceeded(), results);
    }

    static WatchEvent event(Event e) {
        WatchEvent.Type type = e.getType() == Event.EventType.DELETE ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT;
        return new WatchEvent(type, kv(e.getKv()), e.hasPrevKv() ? Optional.of(kv(e.getPrevKv())) : Optional.empty());
    }

    static Member member(io.etcd.jetcd.api.Member m) {
        return new Member(m.getID(), m.getName(), m.getPeerURLsList(), m.getClientURLsList(), m.getIsLearner());
    }
}
