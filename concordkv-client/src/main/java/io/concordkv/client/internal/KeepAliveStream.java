package io.concordkv.client.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import io.concordkv.client.KeepAlive;
import io.concordkv.client.LeaseNotFoundException;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.grpc.stub.ClientCallStreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps one lease alive over a LeaseKeepAlive stream: sends a refresh, and after each answer
 * schedules the next at a third of the returned TTL (at least {@link #MIN_PERIOD}). A TTL of 0 or
 * less means the lease is gone: {@link #done()} fails with {@link LeaseNotFoundException}. A broken
 * stream is reopened with backoff, at most {@code maxResumes} times in a row.
 *
 * <p>Thread-safety: state shared between gRPC callbacks, the timer and {@link #close()} is guarded
 * by {@code lock}; callbacks of a replaced stream are ignored.
 */
final class KeepAliveStream implements KeepAlive {
    static final Duration MIN_PERIOD = Duration.ofMillis(100);

    private final long leaseId;
    private final StreamSupport support;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Object lock = new Object();
    private ClientCallStreamObserver<LeaseKeepAliveRequest> requests;
    private DelayScheduler.Cancellable timer;
    private int generation;
    private int failures;
    private boolean closed;
    private volatile long lastTtl;

    KeepAliveStream(long leaseId, StreamSupport support) {
        this.leaseId = leaseId;
        this.support = support;
    }

    void open() {
        EndpointPool pool;
        try {
            pool = support.endpoints().route(support.strategy(), Bytes.EMPTY);
        } catch (KvException e) {
            finish(e);
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            requests = (ClientCallStreamObserver<LeaseKeepAliveRequest>) LeaseGrpc.newStub(pool.channel())
                .leaseKeepAlive(new GenerationObserver<>(++generation, this::current, this::onResponse, this::onBroken, "keep-alive"));
        }
        refresh();
    }

    private void refresh() {
        ClientCallStreamObserver<LeaseKeepAliveRequest> stream;
        synchronized (lock) {
            if (closed) {
                return;
            }
            stream = requests;
        }
        stream.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
    }

    private void onResponse(LeaseKeepAliveResponse r) {
        if (r.getTTL() <= 0) {
            finish(new LeaseNotFoundException("lease " + leaseId + " expired or was revoked", null));
            return;
        }
        lastTtl = r.getTTL();
        Duration period = Duration.ofMillis(r.getTTL() * 1000 / 3);
        synchronized (lock) {
            failures = 0;
            if (!closed) {
                timer = support.scheduler().schedule(period.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : period,
                    this::refresh);
            }
        }
    }

    private void onBroken(Throwable t) {
        int attempt;
        synchronized (lock) {
            attempt = ++failures;
        }
        if (attempt > support.maxResumes() || !GrpcErrors.unavailable(t)) {
            finish(GrpcErrors.toKvException(t));
            return;
        }
        support.scheduler().schedule(support.backoff().delay(attempt), this::open);
    }

    /** Stops for good: normally when {@code error} is null. */
    private void finish(KvException error) {
        ClientCallStreamObserver<LeaseKeepAliveRequest> stream;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            stream = requests;
            if (timer != null) {
                timer.cancel();
            }
        }
        if (stream != null) {
            stream.cancel("keep-alive closed", null);
        }
        if (error == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(error);
        }
    }

    @Override
    public long leaseId() {
        return leaseId;
    }

    @Override
    public long lastTtlSeconds() {
        return lastTtl;
    }

    @Override
    public CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void close() {
        finish(null);
    }

    private boolean current(int gen) {
        synchronized (lock) {
            return !closed && gen == generation;
        }
    }
}
