package io.concordkv.client.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.KeepAlive;
import io.concordkv.client.LeaseClient;
import io.concordkv.client.LeaseGrant;
import io.concordkv.client.LeaseNotFoundException;
import io.concordkv.client.LeaseTimeToLive;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link LeaseClient} over etcd's Lease service. Grants are never retried; revokes, refreshes,
 * time-to-live and list are (a repeat is harmless). Thread-safe.
 */
public final class GrpcLeaseClient implements LeaseClient {
    private final CallRunner runner;
    private final Duration callTimeout;
    private final StreamSupport support;

    GrpcLeaseClient(CallRunner runner, Duration callTimeout, StreamSupport support) {
        this.runner = runner;
        this.callTimeout = callTimeout;
        this.support = support;
    }

    @Override
    public CompletableFuture<LeaseGrant> grantAsync(long ttlSeconds) {
        LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build();
        return runner.<LeaseGrantResponse>call(Bytes.EMPTY, false, callTimeout,
            (pool, dl, obs) -> LeaseGrpc.newStub(pool.channel()).withDeadline(dl).leaseGrant(request, obs))
            .thenApply(r -> {
                if (!r.getError().isEmpty()) {
                    throw new KvException(ErrorCode.INVALID_ARGUMENT, "lease grant refused: " + r.getError());
                }
                return new LeaseGrant(r.getID(), r.getTTL());
            });
    }

    @Override
    public CompletableFuture<Void> revokeAsync(long leaseId) {
        LeaseRevokeRequest request = LeaseRevokeRequest.newBuilder().setID(leaseId).build();
        return runner.<LeaseRevokeResponse>call(Bytes.EMPTY, true, callTimeout,
            (pool, dl, obs) -> LeaseGrpc.newStub(pool.channel()).withDeadline(dl).leaseRevoke(request, obs))
            .thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Long> keepAliveOnceAsync(long leaseId) {
        LeaseKeepAliveRequest request = LeaseKeepAliveRequest.newBuilder().setID(leaseId).build();
        return runner.<LeaseKeepAliveResponse>call(Bytes.EMPTY, true, callTimeout, (pool, dl, obs) -> {
            StreamObserver<LeaseKeepAliveRequest> stream =
                LeaseGrpc.newStub(pool.channel()).withDeadline(dl).leaseKeepAlive(obs);
            stream.onNext(request);
            stream.onCompleted();
        }).thenApply(r -> {
            if (r.getTTL() <= 0) {
                throw new LeaseNotFoundException("lease " + leaseId + " expired or was revoked", null);
            }
            return r.getTTL();
        });
    }

    @Override
    public KeepAlive keepAlive(long leaseId) {
        KeepAliveStream stream = new KeepAliveStream(leaseId, support);
        stream.open();
        return stream;
    }

    @Override
    public CompletableFuture<LeaseTimeToLive> timeToLiveAsync(long leaseId, boolean withKeys) {
        LeaseTimeToLiveRequest request = LeaseTimeToLiveRequest.newBuilder().setID(leaseId).setKeys(withKeys).build();
        return runner.<LeaseTimeToLiveResponse>call(Bytes.EMPTY, true, callTimeout,
            (pool, dl, obs) -> LeaseGrpc.newStub(pool.channel()).withDeadline(dl).leaseTimeToLive(request, obs))
            .thenApply(r -> new LeaseTimeToLive(r.getID(), r.getTTL(), r.getGrantedTTL(),
                r.getKeysList().stream().map(ResponseCodec::bytes).toList()));
    }

    @Override
    public CompletableFuture<List<Long>> listAsync() {
        return runner.<List<Long>>call(Bytes.EMPTY, true, callTimeout, LeaseListCall::send);
    }
}
