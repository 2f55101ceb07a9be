package io.concordkv.server.etcd;

import io.concordkv.server.watch.WatchHub;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/** etcd's {@code Watch} service: one {@link WatchStream} per call. Thread-safe. */
final class EtcdWatchService extends WatchGrpc.WatchImplBase {
    private final WatchHub hub;
    private final Headers headers;
    private final Executor senders;

    EtcdWatchService(WatchHub hub, Headers headers, Executor senders) {
        this.hub = hub;
        this.headers = headers;
        this.senders = senders;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
        return new WatchStream(out, hub, headers, senders);
    }
}
