package io.concordkv.server.etcd;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.grpc.GrpcEndpoint;
import io.concordkv.server.grpc.GrpcErrors;
import io.concordkv.server.service.KvService;
import io.concordkv.server.service.RangeAnswer;
import io.concordkv.server.service.TxnChecks;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.WriteResult;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;

/** etcd's {@code KV} service over a {@link KvService}. Thread-safe. */
final class EtcdKvService extends KVGrpc.KVImplBase {
    private final KvService service;
    private final Headers headers;
    private final int maxTxnOps;

    EtcdKvService(KvService service, Headers headers, int maxTxnOps) {
        this.service = service;
        this.headers = headers;
        this.maxTxnOps = maxTxnOps;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
        if (request.getSerializable()) {
            GrpcErrors.unary(out, () -> rangeNow(request));
        } else {
            // continued on this connection's event loop (this handler runs on it): the answer is written there
            GrpcErrors.async(out, () -> service.readBarrier(GrpcEndpoint.currentEventLoop()).thenApply(v -> rangeNow(request)));
        }
    }

    private RangeResponse rangeNow(RangeRequest request) {
        RangeAnswer a = service.range(EtcdCodec.query(request));
        RangeResponse.Builder b = RangeResponse.newBuilder().setHeader(headers.at(a.revision()))
            .setMore(a.more()).setCount(a.count());
        for (KeyVersion kv : a.kvs()) {
            b.addKvs(EtcdCodec.kv(kv));
        }
        return b.build();
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
        GrpcErrors.async(out, () -> {
            if (request.getKey().isEmpty()) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: key is not provided");
            }
            if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: value is provided");
            }
            if (request.getIgnoreLease() && request.getLease() != 0) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: lease is provided");
            }
            return service.putAsync(EtcdCodec.bytes(request.getKey()), EtcdCodec.bytes(request.getValue()),
                request.getLease(), request.getIgnoreValue(), request.getIgnoreLease()).thenApply(r -> {
                    PutResponse.Builder b = PutResponse.newBuilder().setHeader(headers.at(r.revision()));
                    if (request.getPrevKv() && !r.previous().isEmpty()) {
                        b.setPrevKv(EtcdCodec.kv(r.previous().get(0)));
                    }
                    return b.build();
                });
        });
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
        GrpcErrors.async(out, () -> service.deleteRangeAsync(EtcdCodec.keys(request.getKey(), request.getRangeEnd()))
            .thenApply(r -> deleted(request, r)));
    }

    private DeleteRangeResponse deleted(DeleteRangeRequest request, WriteResult r) {
        DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder().setHeader(headers.at(r.revision()))
            .setDeleted(r.previous().size());
        if (request.getPrevKv()) {
            r.previous().forEach(p -> b.addPrevKvs(EtcdCodec.kv(p)));
        }
        return b.build();
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
        GrpcErrors.async(out, () -> {
            io.concordkv.txn.TxnRequest txn = EtcdTxnCodec.request(request);
            TxnChecks.check(txn, maxTxnOps);
            return service.txnAsync(txn).thenApply(r -> EtcdTxnCodec.response(request, r, headers.at(r.revision())));
        });
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> out) {
        GrpcErrors.unary(out, () -> {
            service.compact(request.getRevision());
            return CompactionResponse.newBuilder().setHeader(headers.at(service.status().revision())).build();
        });
    }
}
