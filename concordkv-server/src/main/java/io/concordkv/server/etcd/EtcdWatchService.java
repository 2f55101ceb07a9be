package io.concordkv.server.etcd;

import io.concordkv.server.watch.WatchHub;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * etcd's {@code Watch} service: one {@link WatchStream} per call, and periodic progress
 * notifications for the watchers that asked ({@code progress_notify}; etcd sends them every 10
 * minutes). Thread-safe.
 */
final class EtcdWatchService extends WatchGrpc.WatchImplBase {
    private final WatchHub hub;
    private final Headers headers;
    private final Executor senders;
    private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();

    /** {@code progress}: where periodic progress notifications are sent from, every {@code interval}. */
    EtcdWatchService(WatchHub hub, Headers headers, Executor senders, ScheduledExecutorService progress,
                     Duration interval) {
        this.hub = hub;
        this.headers = headers;
        this.senders = senders;
        long every = interval.toMillis();
        progress.scheduleWithFixedDelay(this::notifyProgress, every, every, TimeUnit.MILLISECONDS);
    }

    private void notifyProgress() {
        streams.removeIf(WatchStream::done);
        streams.forEach(WatchStream::notifyProgress);
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
        WatchStream stream = new WatchStream(out, hub, headers, senders);
        streams.add(stream);
        return stream;
    }
}
