package io.concordkv.client.internal;

import io.concordkv.api.Bytes;
import io.concordkv.client.DeleteResult;
import io.concordkv.client.GetResult;
import io.concordkv.client.KvClient;
import io.concordkv.client.Op;
import io.concordkv.client.OpResult;
import io.concordkv.client.PutResult;
import io.concordkv.client.Txn;
import io.concordkv.client.TxnResult;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link KvClient} over etcd's KV service, through the {@link CallRunner}. Thread-safe. */
public final class GrpcKvClient implements KvClient {
    private final CallRunner runner;
    private final Duration callTimeout;
    private final BatchRunner batches;

    public GrpcKvClient(CallRunner runner, Duration callTimeout, BatchRunner batches) {
        this.runner = runner;
        this.callTimeout = callTimeout;
        this.batches = batches;
    }

    private Deadline deadline() {
        return Deadline.after(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public CompletableFuture<GetResult> getAsync(Op.Get get) {
        return get(get, deadline());
    }

    @Override
    public CompletableFuture<PutResult> putAsync(Op.Put put) {
        return put(put, deadline());
    }

    @Override
    public CompletableFuture<DeleteResult> deleteAsync(Op.Delete delete) {
        return delete(delete, deadline());
    }

    @Override
    public CompletableFuture<OpResult> executeAsync(Op op) {
        return execute(op, deadline());
    }

    @Override
    public CompletableFuture<TxnResult> txnAsync(Txn txn) {
        TxnRequest request;
        try {
            request = RequestCodec.txn(txn);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(GrpcErrors.toKvException(e));
        }
        Bytes key = txn.compares().isEmpty()
            ? (txn.success().isEmpty() ? Bytes.EMPTY : txn.success().get(0).key())
            : txn.compares().get(0).key();
        return runner.<TxnResponse>call(key, txn.readOnly(), deadline(),
            (pool, dl, obs) -> KVGrpc.newStub(pool.channel()).withDeadline(dl).txn(request, obs))
            .thenApply(ResponseCodec::txn);
    }

    @Override
    public CompletableFuture<List<OpResult>> batchAsync(List<Op> ops, Duration timeout) {
        Deadline overall = Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return batches.run(List.copyOf(ops), timeout, op -> execute(op, overall));
    }

    private CompletableFuture<OpResult> execute(Op op, Deadline deadline) {
        if (op instanceof Op.Get g) {
            return get(g, deadline).thenApply(r -> r);
        } else if (op instanceof Op.Put p) {
            return put(p, deadline).thenApply(r -> r);
        }
        return delete((Op.Delete) op, deadline).thenApply(r -> r);
    }

    private CompletableFuture<GetResult> get(Op.Get get, Deadline deadline) {
        return runner.<RangeResponse>call(get.key(), true, deadline,
            (pool, dl, obs) -> KVGrpc.newStub(pool.channel()).withDeadline(dl).range(RequestCodec.range(get), obs))
            .thenApply(ResponseCodec::range);
    }

    private CompletableFuture<PutResult> put(Op.Put put, Deadline deadline) {
        return runner.<PutResponse>call(put.key(), put.retrySafe(), deadline,
            (pool, dl, obs) -> KVGrpc.newStub(pool.channel()).withDeadline(dl).put(RequestCodec.put(put), obs))
            .thenApply(ResponseCodec::put);
    }

    private CompletableFuture<DeleteResult> delete(Op.Delete delete, Deadline deadline) {
        return runner.<DeleteRangeResponse>call(delete.key(), delete.retrySafe(), deadline,
            (pool, dl, obs) -> KVGrpc.newStub(pool.channel()).withDeadline(dl).deleteRange(
                RequestCodec.delete(delete), obs))
            .thenApply(ResponseCodec::delete);
    }
}
