package io.concordkv.client.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.WatchEvent;
import io.concordkv.client.WatchListener;
import io.concordkv.client.WatchOptions;
import io.concordkv.client.Watcher;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ClientCallStreamObserver;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on its own bidirectional Watch stream. Events go to the listener in stream order
 * (etcd sends them in revision order). When the stream breaks with UNAVAILABLE the watch is
 * reopened, on an endpoint chosen again, from the revision after the last event delivered, so no
 * event is lost or repeated; after {@code maxResumes} failed reopenings in a row it ends with an
 * error.
 *
 * <p>Thread-safety: stream callbacks of one generation are serialized by gRPC; a callback from a
 * stream that has been replaced or cancelled is ignored. Fields shared with {@link #cancel()} are
 * guarded by {@code lock}.
 */
final class WatchStream implements Watcher {
    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);

    private final WatchOptions options;
    private final WatchListener listener;
    private final StreamSupport support;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Object lock = new Object();
    private ClientCallStreamObserver<WatchRequest> requests;
    private int generation;
    private boolean cancelled;
    private volatile long nextRevision;
    private int failures;

    WatchStream(WatchOptions options, WatchListener listener, StreamSupport support) {
        this.options = options;
        this.listener = listener;
        this.support = support;
        this.nextRevision = options.startRevision();
    }

    void open() {
        EndpointPool pool;
        try {
            pool = support.endpoints().route(support.strategy(), options.key());
        } catch (RuntimeException e) {
            fail(GrpcErrors.toKvException(e));
            return;
        }
        ClientCallStreamObserver<WatchRequest> stream;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            stream = (ClientCallStreamObserver<WatchRequest>) WatchGrpc.newStub(pool.channel())
                .watch(new GenerationObserver<>(++generation, this::current, this::onResponse, this::onBroken, "watch"));
            requests = stream;
        }
        stream.onNext(WatchRequest.newBuilder()
            .setCreateRequest(RequestCodec.watchCreate(options, nextRevision)).build());
    }

    @Override
    public CompletableFuture<Void> started() {
        return started;
    }

    @Override
    public void cancel() {
        ClientCallStreamObserver<WatchRequest> stream;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            stream = requests;
        }
        if (stream != null) {
            stream.cancel("watch cancelled by the client", null);
        }
        started.completeExceptionally(new KvException(ErrorCode.CLOSED, "watch cancelled"));
    }

    private boolean current(int gen) {
        synchronized (lock) {
            return !cancelled && gen == generation;
        }
    }

    private void fail(KvException error) {
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (requests != null) {
                requests.cancel("watch failed", null);
            }
        }
        started.completeExceptionally(error);
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            LOG.warn("watch listener failed in onError", e);
        }
    }

    private void onResponse(WatchResponse r) {
        if (r.getCreated()) {
            failures = 0;
            started.complete(null);
        }
        for (Event e : r.getEventsList()) {
            WatchEvent event = ResponseCodec.event(e);
            nextRevision = event.revision() + 1;
            try {
                listener.onEvent(event);
            } catch (RuntimeException ex) {
                LOG.warn("watch listener failed on an event", ex);
            }
        }
        if (r.getCanceled()) {
            if (r.getCompactRevision() > 0) {
                fail(new KvException(ErrorCode.COMPACTED, "watch start revision " + nextRevision
                    + " compacted; oldest available is " + r.getCompactRevision()));
            } else {
                fail(new KvException(ErrorCode.INVALID_ARGUMENT, "watch cancelled by server: " + r.getCancelReason()));
            }
        }
    }

    private void onBroken(Throwable t) {
        if (!GrpcErrors.unavailable(t) || failures >= support.maxResumes()) {
            fail(GrpcErrors.toKvException(t));
            return;
        }
        failures++;
        LOG.debug("watch stream broke ({}), reopening from revision {}", t.toString(), nextRevision);
        support.scheduler().schedule(support.backoff().delay(failures), this::open);
    }
}
