package io.concordkv.server.etcd;

import com.google.protobuf.UnknownFieldSet;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.txn.Compare;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * etcd's {@code Txn} to and from the MVCC store's conditional transaction. Compares on value,
 * version, create and mod revision and lease (the lease target is newer than the stubs we build
 * on, so it is read from the message's unknown fields: target 4, field 8). Nested transactions
 * are refused with {@code UNSUPPORTED}. Stateless.
 */
final class EtcdTxnCodec {
    private static final int LEASE_TARGET = 4;
    private static final int LEASE_FIELD = 8;

    private EtcdTxnCodec() {
    }

    static TxnRequest request(io.etcd.jetcd.api.TxnRequest r) {
        List<Compare> compares = new ArrayList<>();
        for (io.etcd.jetcd.api.Compare c : r.getCompareList()) {
            compares.add(compare(c));
        }
        return new TxnRequest(compares, ops(r.getSuccessList()), ops(r.getFailureList()));
    }

    private static Compare compare(io.etcd.jetcd.api.Compare c) {
        Compare.Op op = switch (c.getResultValue()) {
            case 0 -> Compare.Op.EQUAL;
            case 1 -> Compare.Op.GREATER;
            case 2 -> Compare.Op.LESS;
            case 3 -> Compare.Op.NOT_EQUAL;
            default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "unknown compare result " + c.getResultValue());
        };
        var key = EtcdCodec.bytes(c.getKey());
        Optional<io.concordkv.api.Bytes> end = c.getRangeEnd().isEmpty() ? Optional.empty()
            : Optional.of(EtcdCodec.keys(c.getKey(), c.getRangeEnd()).end().orElse(io.concordkv.api.Bytes.EMPTY));
        return switch (c.getTargetValue()) {
            case 0 -> new Compare(key, end, Compare.Target.VERSION, op, c.getVersion(), io.concordkv.api.Bytes.EMPTY);
            case 1 -> new Compare(key, end, Compare.Target.CREATE, op, c.getCreateRevision(), io.concordkv.api.Bytes.EMPTY);
            case 2 -> new Compare(key, end, Compare.Target.MOD, op, c.getModRevision(), io.concordkv.api.Bytes.EMPTY);
            case 3 -> new Compare(key, end, Compare.Target.VALUE, op, 0, EtcdCodec.bytes(c.getValue()));
            case LEASE_TARGET -> new Compare(key, end, Compare.Target.LEASE, op, lease(c.getUnknownFields()),
                io.concordkv.api.Bytes.EMPTY);
            default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "unknown compare target " + c.getTargetValue());
        };
    }

    private static long lease(UnknownFieldSet unknown) {
        UnknownFieldSet.Field f = unknown.getField(LEASE_FIELD);
        return f == null || f.getVarintList().isEmpty() ? 0 : f.getVarintList().get(0);
    }

    private static List<TxnOp> ops(List<RequestOp> requests) {
        List<TxnOp> out = new ArrayList<>();
        for (RequestOp op : requests) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> out.add(new TxnOp.Range(EtcdCodec.query(op.getRequestRange()).keys()));
                case REQUEST_PUT -> out.add(new TxnOp.Put(EtcdCodec.bytes(op.getRequestPut().getKey()),
                    EtcdCodec.bytes(op.getRequestPut().getValue()), op.getRequestPut().getLease(),
                    op.getRequestPut().getPrevKv()));
                case REQUEST_DELETE_RANGE -> out.add(new TxnOp.DeleteRange(EtcdCodec.keys(
                    op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd()),
                    op.getRequestDeleteRange().getPrevKv()));
                case REQUEST_TXN -> throw new KvException(ErrorCode.UNSUPPORTED, "nested transactions are not supported");
                default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "empty request op in txn");
            }
        }
        return out;
    }

    /**
     * The etcd response; {@code request} gives the range options the store's result lacks. As in
     * etcd, the responses inside carry a header with the revision only.
     */
    static io.etcd.jetcd.api.TxnResponse response(io.etcd.jetcd.api.TxnRequest request, TxnResponse r,
                                                 ResponseHeader header) {
        List<RequestOp> branch = r.succeeded() ? request.getSuccessList() : request.getFailureList();
        io.etcd.jetcd.api.TxnResponse.Builder out = io.etcd.jetcd.api.TxnResponse.newBuilder()
            .setHeader(header).setSucceeded(r.succeeded());
        ResponseHeader inner = ResponseHeader.newBuilder().setRevision(header.getRevision()).build();
        for (int i = 0; i < r.results().size(); i++) {
            out.addResponses(responseOp(branch.get(i), r.results().get(i), inner));
        }
        return out.build();
    }

    private static ResponseOp responseOp(RequestOp op, TxnResponse.OpResult result, ResponseHeader header) {
        if (result instanceof TxnResponse.RangeResponse rr) {
            RangeQuery q = EtcdCodec.query(op.getRequestRange());
            RangeResponse.Builder b = RangeResponse.newBuilder().setHeader(header).setMore(rr.range().more())
                .setCount(rr.range().kvs().size());
            if (!q.countOnly()) {
                for (KeyVersion kv : rr.range().kvs()) {
                    b.addKvs(EtcdCodec.kv(q.keysOnly() ? new KeyVersion(kv.key(), io.concordkv.api.Bytes.EMPTY,
                        kv.createRevision(), kv.modRevision(), kv.version(), kv.lease()) : kv));
                }
            }
            return ResponseOp.newBuilder().setResponseRange(b).build();
        }
        if (result instanceof TxnResponse.PutResponse pr) {
            PutResponse.Builder b = PutResponse.newBuilder().setHeader(header);
            pr.previous().ifPresent(p -> b.setPrevKv(EtcdCodec.kv(p)));
            return ResponseOp.newBuilder().setResponsePut(b).build();
        }
        TxnResponse.DeleteResponse dr = (TxnResponse.DeleteResponse) result;
        DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder().setHeader(header).setDeleted(dr.deleted());
        dr.previous().forEach(p -> b.addPrevKvs(EtcdCodec.kv(p)));
        return ResponseOp.newBuilder().setResponseDeleteRange(b).build();
    }
}
