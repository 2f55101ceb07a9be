package io.concordkv.client.internal;

import com.google.protobuf.ByteString;
import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.Endpoint;
import io.concordkv.client.InteractiveTxn;
import io.concordkv.client.KeyValue;
import io.concordkv.proto.v1.CommitRequest;
import io.concordkv.proto.v1.CommitResponse;
import io.concordkv.proto.v1.RollbackRequest;
import io.concordkv.proto.v1.RollbackResponse;
import io.concordkv.proto.v1.TransactionsGrpc;
import io.concordkv.proto.v1.TxnDeleteRequest;
import io.concordkv.proto.v1.TxnDeleteResponse;
import io.concordkv.proto.v1.TxnGetRequest;
import io.concordkv.proto.v1.TxnGetResponse;
import io.concordkv.proto.v1.TxnPutRequest;
import io.concordkv.proto.v1.TxnPutResponse;
import io.concordkv.proto.v1.TxnRangeRequest;
import io.concordkv.proto.v1.TxnRangeResponse;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transaction pinned to the endpoint and channel it was begun on: every call is one attempt
 * on that channel ({@link CallRunner#callOn}), never retried, never moved. The transaction is
 * finished once commit or rollback has been sent, whatever the answer. Thread-safety: calls are
 * meant to come from one thread at a time; the finished flag is atomic so {@link #close()} may
 * come from any thread.
 */
final class GrpcInteractiveTxn implements InteractiveTxn {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcInteractiveTxn.class);

    private final String id;
    private final long startRevision;
    private final EndpointPool pool;
    private final TransactionsGrpc.TransactionsStub stub;
    private final CallRunner runner;
    private final Duration callTimeout;
    private final AtomicBoolean finished = new AtomicBoolean();

    GrpcInteractiveTxn(String id, long startRevision, EndpointPool pool, ManagedChannel channel, CallRunner runner,
                       Duration callTimeout) {
        this.id = id;
        this.startRevision = startRevision;
        this.pool = pool;
        this.stub = TransactionsGrpc.newStub(channel);
        this.runner = runner;
        this.callTimeout = callTimeout;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long startRevision() {
        return startRevision;
    }

    @Override
    public Endpoint endpoint() {
        return pool.endpoint();
    }

    @Override
    public boolean isOpen() {
        return !finished.get();
    }

    @Override
    public Optional<KeyValue> get(Bytes key) {
        return get(key, false);
    }

    @Override
    public Optional<KeyValue> getForUpdate(Bytes key) {
        return get(key, true);
    }

    private Optional<KeyValue> get(Bytes key, boolean forUpdate) {
        TxnGetRequest r = TxnGetRequest.newBuilder().setTxnId(id).setKey(bytes(key)).setForUpdate(forUpdate).build();
        TxnGetResponse response = this.<TxnGetResponse>call((dl, obs) -> stub.withDeadline(dl).get(r, obs));
        return response.getFound() ? Optional.of(kv(response.getKv())) : Optional.empty();
    }

    @Override
    public RangeResult range(Bytes key, Bytes rangeEnd, long limit) {
        if (limit < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "limit must be >= 0");
        }
        TxnRangeRequest r = TxnRangeRequest.newBuilder().setTxnId(id).setKey(bytes(key))
            .setRangeEnd(bytes(rangeEnd)).setLimit(limit).build();
        TxnRangeResponse response = this.<TxnRangeResponse>call((dl, obs) -> stub.withDeadline(dl).range(r, obs));
        return new RangeResult(response.getKvsList().stream().map(GrpcInteractiveTxn::kv).toList(),
            response.getMore());
    }

    @Override
    public void put(Bytes key, Bytes value) {
        TxnPutRequest r = TxnPutRequest.newBuilder().setTxnId(id).setKey(bytes(key)).setValue(bytes(value)).build();
        this.<TxnPutResponse>call((dl, obs) -> stub.withDeadline(dl).put(r, obs));
    }

    @Override
    public void delete(Bytes key) {
        TxnDeleteRequest r = TxnDeleteRequest.newBuilder().setTxnId(id).setKey(bytes(key)).build();
        this.<TxnDeleteResponse>call((dl, obs) -> stub.withDeadline(dl).delete(r, obs));
    }

    @Override
    public long commit() {
        finished.set(true);
        CommitRequest r = CommitRequest.newBuilder().setTxnId(id).build();
        return this.<CommitResponse>call((dl, obs) -> stub.withDeadline(dl).commit(r, obs)).getRevision();
    }

    @Override
    public void rollback() {
        finished.set(true);
        sendRollback();
    }

    private void sendRollback() {
        RollbackRequest r = RollbackRequest.newBuilder().setTxnId(id).build();
        this.<RollbackResponse>call((dl, obs) -> stub.withDeadline(dl).rollback(r, obs));
    }

    @Override
    public void close() {
        if (finished.compareAndSet(false, true)) {
            try {
                sendRollback();
            } catch (KvException e) {
                LOG.debug("rollback of transaction {} on close failed: {}", id, e.getMessage());
            }
        }
    }

    private <T> T call(Send<T> send) {
        return await(runner.<T>callOn(pool, callTimeout, true, (p, dl, obs) -> send.send(dl, obs)));
    }

    /** Sends one request on the pinned channel. */
    @FunctionalInterface
    private interface Send<T> {
        void send(Deadline deadline, StreamObserver<T> observer);
    }

    /** Waits for a call of the client (which completes by its deadline) and throws its {@link KvException}. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvException(ErrorCode.CLOSED, "interrupted while waiting for the server", e);
        } catch (ExecutionException e) {
            throw GrpcErrors.toKvException(e.getCause());
        }
    }

    private static ByteString bytes(Bytes b) {
        return ByteString.copyFrom(b.unsafeArray());
    }

    static KeyValue kv(io.concordkv.proto.v1.KeyValue kv) {
        return new KeyValue(Bytes.wrap(kv.getKey().toByteArray()), Bytes.wrap(kv.getValue().toByteArray()),
            kv.getCreateRevision(), kv.getModRevision(), kv.getVersion(), kv.getLease());
    }
}
