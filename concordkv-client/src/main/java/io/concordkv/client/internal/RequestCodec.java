package io.concordkv.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.concordkv.api.Bytes;
import io.concordkv.client.Compare;
import io.concordkv.client.Op;
import io.concordkv.client.Txn;
import io.concordkv.client.WatchOptions;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;

/** The client's request types as etcd v3 protobuf messages. Stateless. */
final class RequestCodec {
    /**
     * {@code Compare.CompareTarget.LEASE} and the {@code int64 lease = 8} member of
     * {@code target_union}: etcd 3.3+ has them, the protos in jetcd-grpc predate them, so they are
     * written by number.
     */
    private static final int LEASE_TARGET = 4;
    private static final int LEASE_FIELD = 8;
    private RequestCodec() {
    }

    static ByteString bytes(Bytes b) {
        return b.isEmpty() ? ByteString.EMPTY : ByteString.copyFrom(b.unsafeArray());
    }

    static RangeRequest range(Op.Get get) {
        return RangeRequest.newBuilder()
            .setKey(bytes(get.key()))
            .setRangeEnd(bytes(get.rangeEnd()))
            .setLimit(get.limit())
            .setRevision(get.revision())
            .setKeysOnly(get.keysOnly())
            .setCountOnly(get.countOnly())
            .setSerializable(get.serializable())
            .build();
    }

    static PutRequest put(Op.Put put) {
        return PutRequest.newBuilder()
            .setKey(bytes(put.key()))
            .setValue(bytes(put.value()))
            .setLease(put.lease())
            .setPrevKv(put.prevKv())
            .build();
    }

    static DeleteRangeRequest delete(Op.Delete delete) {
        return DeleteRangeRequest.newBuilder()
            .setKey(bytes(delete.key()))
            .setRangeEnd(bytes(delete.rangeEnd()))
            .setPrevKv(delete.prevKv())
            .build();
    }

    static RequestOp requestOp(Op op) {
        RequestOp.Builder b = RequestOp.newBuilder();
        if (op instanceof Op.Get g) {
            b.setRequestRange(range(g));
        } else if (op instanceof Op.Put p) {
            b.setRequestPut(put(p));
        } else if (op instanceof Op.Delete d) {
            b.setRequestDeleteRange(delete(d));
        }
        return b.build();
    }

    static TxnRequest txn(Txn txn) {
        TxnRequest.Builder b = TxnRequest.newBuilder();
        txn.compares().forEach(c -> b.addCompare(compare(c)));
        txn.success().forEach(op -> b.addSuccess(requestOp(op)));
        txn.failure().forEach(op -> b.addFailure(requestOp(op)));
        return b.build();
    }

    static io.etcd.jetcd.api.Compare compare(Compare c) {
        io.etcd.jetcd.api.Compare.Builder b = io.etcd.jetcd.api.Compare.newBuilder()
            .setKey(bytes(c.key()))
            .setResult(switch (c.operator()) {
                case EQUAL -> io.etcd.jetcd.api.Compare.CompareResult.EQUAL;
                case NOT_EQUAL -> io.etcd.jetcd.api.Compare.CompareResult.NOT_EQUAL;
                case GREATER -> io.etcd.jetcd.api.Compare.CompareResult.GREATER;
                case LESS -> io.etcd.jetcd.api.Compare.CompareResult.LESS;
            });
        switch (c.target()) {
            case VALUE -> b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.VALUE).setValue(bytes(c.value()));
            case VERSION -> b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.VERSION).setVersion(c.number());
            case CREATE_REVISION ->
                b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.CREATE).setCreateRevision(c.number());
            case MOD_REVISION -> b.setTarget(io.etcd.jetcd.api.Compare.CompareTarget.MOD).setModRevision(c.number());
            case LEASE -> b.setTargetValue(LEASE_TARGET).setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(LEASE_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(c.number()).build()).build());
            default -> throw new IllegalStateException("unknown compare target " + c.target());
        }
        return b.build();
    }

    static WatchCreateRequest watchCreate(WatchOptions options, long startRevision) {
        return WatchCreateRequest.newBuilder()
            .setKey(bytes(options.key()))
            .setRangeEnd(bytes(options.rangeEnd()))
            .setStartRevision(startRevision)
            .setPrevKv(options.prevKv())
            .build();
    }
}
