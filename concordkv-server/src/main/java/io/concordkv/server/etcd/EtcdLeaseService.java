package io.concordkv.server.etcd;

import io.concordkv.server.grpc.GrpcErrors;
import io.concordkv.server.lease.Lease;
import io.concordkv.server.service.KvService;
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
import java.util.Optional;

/**
 * etcd's {@code Lease} service over a {@link KvService} (LeaseLeases, which the stubs lack, is
 * served by {@link LeaseLeasesMethod}). Keep-alive streams answer each request in order; an
 * unknown lease gets TTL 0, as etcd answers. Thread-safe.
 */
final class EtcdLeaseService extends LeaseGrpc.LeaseImplBase {
    private final KvService service;
    private final Headers headers;

    EtcdLeaseService(KvService service, Headers headers) {
        this.service = service;
        this.headers = headers;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> out) {
        GrpcErrors.unary(out, () -> {
            long id = service.grantLease(request.getID(), request.getTTL());
            long ttl = service.lease(id, false).map(Lease::grantedTtlSeconds).orElse(request.getTTL());
            return LeaseGrantResponse.newBuilder().setHeader(headers.current()).setID(id).setTTL(ttl).build();
        });
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> out) {
        GrpcErrors.unary(out, () -> {
            long revision = service.revokeLease(request.getID());
            return LeaseRevokeResponse.newBuilder().setHeader(headers.at(revision)).build();
        });
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> out) {
        GrpcErrors.unary(out, () -> {
            Optional<Lease> lease = service.lease(request.getID(), request.getKeys());
            LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder().setHeader(headers.current())
                .setID(request.getID()).setTTL(-1);
            lease.ifPresent(l -> {
                b.setTTL(l.remainingTtlSeconds()).setGrantedTTL(l.grantedTtlSeconds());
                l.keys().forEach(k -> b.addKeys(EtcdCodec.bytes(k)));
            });
            return b.build();
        });
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveRequest request) {
                long ttl = service.keepAlive(request.getID()).orElse(0L);
                synchronized (out) {
                    out.onNext(LeaseKeepAliveResponse.newBuilder().setHeader(headers.current()).setID(request.getID())
                        .setTTL(ttl).build());
                }
            }

            @Override
            public void onError(Throwable t) {
                // the client went away; its leases simply stop being kept alive
            }

            @Override
            public void onCompleted() {
                synchronized (out) {
                    out.onCompleted();
                }
            }
        };
    }
}
