package io.concordkv.server.grpc;

import com.google.protobuf.ByteString;
import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.proto.v1.BeginRequest;
import io.concordkv.proto.v1.BeginResponse;
import io.concordkv.proto.v1.CommitRequest;
import io.concordkv.proto.v1.CommitResponse;
import io.concordkv.proto.v1.KeyValue;
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
import io.concordkv.server.service.KeyRanges;
import io.concordkv.server.service.TxnSessions;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.Isolation;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.TxnOptions;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ConcordKV {@code Transactions} gRPC service: interactive transactions over
 * {@link TxnSessions}, owned by the calling connection ({@link ConnectionOwners}). Thread-safe.
 */
public final class TransactionsService extends TransactionsGrpc.TransactionsImplBase {
    private static final Duration DEFAULT_IDLE = Duration.ofSeconds(5);

    private final TxnSessions sessions;

    public TransactionsService(TxnSessions sessions) {
        this.sessions = sessions;
    }

    static Bytes bytes(ByteString s) {
        return Bytes.wrap(s.toByteArray());
    }

    static KeyValue kv(KeyVersion v) {
        return KeyValue.newBuilder().setKey(ByteString.copyFrom(v.key().unsafeArray()))
            .setValue(ByteString.copyFrom(v.value().unsafeArray())).setCreateRevision(v.createRevision())
            .setModRevision(v.modRevision()).setVersion(v.version()).setLease(v.lease()).build();
    }

    private static Duration orDefault(long millis, Duration fallback) {
        return millis == 0 ? fallback : Duration.ofMillis(millis);
    }

    @Override
    public void begin(BeginRequest r, StreamObserver<BeginResponse> out) {
        GrpcErrors.unary(out, () -> {
            Isolation isolation = switch (r.getIsolation()) {
                case REPEATABLE_READ -> Isolation.REPEATABLE_READ;
                case READ_COMMITTED -> Isolation.READ_COMMITTED;
                case SERIALIZABLE -> Isolation.SERIALIZABLE;
                default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "unknown isolation " + r.getIsolationValue());
            };
            ConcurrencyMode mode = switch (r.getMode()) {
                case OPTIMISTIC -> ConcurrencyMode.OPTIMISTIC;
                case PESSIMISTIC -> ConcurrencyMode.PESSIMISTIC;
                default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "unknown mode " + r.getModeValue());
            };
            TxnOptions options = new TxnOptions(isolation, mode, r.getReadOnly(),
                orDefault(r.getTimeoutMs(), TxnOptions.DEFAULT_TIMEOUT),
                orDefault(r.getLockWaitMs(), TxnOptions.DEFAULT_LOCK_WAIT));
            String id = sessions.begin(options, orDefault(r.getIdleTimeoutMs(), DEFAULT_IDLE), ConnectionOwners.current());
            return BeginResponse.newBuilder().setTxnId(id)
                .setStartRevision(sessions.transaction(id).startRevision()).build();
        });
    }

    @Override
    public void get(TxnGetRequest r, StreamObserver<TxnGetResponse> out) {
        GrpcErrors.unary(out, () -> {
            Optional<KeyVersion> v = sessions.use(r.getTxnId(),
                t -> r.getForUpdate() ? t.getForUpdate(bytes(r.getKey())) : t.get(bytes(r.getKey())));
            TxnGetResponse.Builder b = TxnGetResponse.newBuilder().setFound(v.isPresent());
            v.ifPresent(kv -> b.setKv(kv(kv)));
            return b.build();
        });
    }

    @Override
    public void range(TxnRangeRequest r, StreamObserver<TxnRangeResponse> out) {
        GrpcErrors.unary(out, () -> {
            int limit = (int) Math.min(Integer.MAX_VALUE, Math.max(0, r.getLimit()));
            ScanRange keys = KeyRanges.etcd(bytes(r.getKey()), bytes(r.getRangeEnd()));
            List<KeyVersion> kvs = sessions.use(r.getTxnId(),
                t -> t.range(keys.withLimit(limit == 0 ? 0 : limit + 1)));
            boolean more = limit > 0 && kvs.size() > limit;
            TxnRangeResponse.Builder b = TxnRangeResponse.newBuilder().setMore(more);
            (more ? kvs.subList(0, limit) : kvs).forEach(kv -> b.addKvs(kv(kv)));
            return b.build();
        });
    }

    @Override
    public void put(TxnPutRequest r, StreamObserver<TxnPutResponse> out) {
        GrpcErrors.unary(out, () -> {
            sessions.use(r.getTxnId(), t -> {
                t.put(bytes(r.getKey()), bytes(r.getValue()));
                return null;
            });
            return TxnPutResponse.getDefaultInstance();
        });
    }

    @Override
    public void delete(TxnDeleteRequest r, StreamObserver<TxnDeleteResponse> out) {
        GrpcErrors.unary(out, () -> {
            sessions.use(r.getTxnId(), t -> {
                t.delete(bytes(r.getKey()));
                return null;
            });
            return TxnDeleteResponse.getDefaultInstance();
        });
    }

    @Override
    public void commit(CommitRequest r, StreamObserver<CommitResponse> out) {
        GrpcErrors.unary(out, () -> CommitResponse.newBuilder()
            .setRevision(sessions.use(r.getTxnId(), t -> t.commit())).build());
    }

    @Override
    public void rollback(RollbackRequest r, StreamObserver<RollbackResponse> out) {
        GrpcErrors.unary(out, () -> {
            sessions.use(r.getTxnId(), t -> {
                t.rollback();
                return null;
            });
            return RollbackResponse.getDefaultInstance();
        });
    }
}
