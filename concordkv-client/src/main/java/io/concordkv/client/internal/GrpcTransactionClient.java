package io.concordkv.client.internal;

import io.concordkv.api.Bytes;
import io.concordkv.client.InteractiveTxn;
import io.concordkv.client.TransactionClient;
import io.concordkv.client.TxnSpec;
import io.concordkv.proto.v1.BeginRequest;
import io.concordkv.proto.v1.BeginResponse;
import io.concordkv.proto.v1.ConcurrencyMode;
import io.concordkv.proto.v1.Isolation;
import io.concordkv.proto.v1.TransactionsGrpc;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link TransactionClient} over ConcordKV's {@code Transactions} service. Begin goes through the
 * {@link CallRunner} (retried on UNAVAILABLE, like a read: nothing exists on a server that could
 * not be reached, and a transaction whose connection broke is rolled back by the server); the
 * endpoint and the channel of the attempt that succeeded are pinned for the rest of the
 * transaction. Thread-safe.
 */
public final class GrpcTransactionClient implements TransactionClient {
    private final CallRunner runner;
    private final Duration callTimeout;

    public GrpcTransactionClient(CallRunner runner, Duration callTimeout) {
        this.runner = runner;
        this.callTimeout = callTimeout;
    }

    /** The endpoint and channel one attempt of Begin used. */
    private record Pinned(EndpointPool pool, ManagedChannel channel) {
    }

    @Override
    public InteractiveTxn begin(TxnSpec spec) {
        BeginRequest request = request(spec);
        AtomicReference<Pinned> pinned = new AtomicReference<>();
        BeginResponse response = GrpcInteractiveTxn.await(runner.<BeginResponse>call(Bytes.EMPTY, true, callTimeout,
            (pool, deadline, observer) -> {
                ManagedChannel channel = pool.channel();
                // attempts run one after another, so the last one set is the one that answered
                pinned.set(new Pinned(pool, channel));
                TransactionsGrpc.newStub(channel).withDeadline(deadline).begin(request, observer);
            }));
        Pinned p = pinned.get();
        return new GrpcInteractiveTxn(response.getTxnId(), response.getStartRevision(), p.pool(), p.channel(),
            runner, callTimeout);
    }

    static BeginRequest request(TxnSpec spec) {
        Isolation isolation = switch (spec.isolation()) {
            case READ_COMMITTED -> Isolation.READ_COMMITTED;
            case REPEATABLE_READ -> Isolation.REPEATABLE_READ;
            case SERIALIZABLE -> Isolation.SERIALIZABLE;
        };
        ConcurrencyMode mode = switch (spec.mode()) {
            case OPTIMISTIC -> ConcurrencyMode.OPTIMISTIC;
            case PESSIMISTIC -> ConcurrencyMode.PESSIMISTIC;
        };
        return BeginRequest.newBuilder().setIsolation(isolation).setMode(mode).setReadOnly(spec.readOnly())
            .setTimeoutMs(spec.timeout().toMillis()).setLockWaitMs(spec.lockWait().toMillis())
            .setIdleTimeoutMs(spec.idleTimeout().toMillis()).build();
    }
}
