package io.concordkv.server.etcd;

import com.google.protobuf.UnknownFieldSet;
import io.concordkv.server.watch.WatchHub;
import io.concordkv.server.watch.WatchSpec;
import io.concordkv.server.watch.Watcher;
import io.concordkv.txn.ChangeEvent;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One etcd watch stream: many watchers, their responses sent only while the client can take them
 * (gRPC flow control), so a slow client only lets its own watchers' bounded queues fill up.
 * Control responses (created, canceled, progress) go before events; a watcher's "created" goes
 * before its first event. Responses are sent by a pump task on a shared executor, one at a time
 * per stream. Thread-safe.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
    /** Events per response, whole revisions kept together. */
    private static final int EVENTS_PER_RESPONSE = 1_000;
    /** The watch_id field of newer WatchCreateRequests (absent from the stubs we build on). */
    private static final int WATCH_ID_FIELD = 7;

    private final ServerCallStreamObserver<WatchResponse> out;
    private final WatchHub hub;
    private final Headers headers;
    private final Executor executor;
    private final Map<Long, Watcher> watchers = new ConcurrentHashMap<>();
    private final Queue<WatchResponse> control = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong nextId = new AtomicLong();
    private final Object sendLock = new Object();
    private volatile boolean done;

    WatchStream(StreamObserver<WatchResponse> out, WatchHub hub, Headers headers, Executor executor) {
        this.out = (ServerCallStreamObserver<WatchResponse>) out;
        this.hub = hub;
        this.headers = headers;
        this.executor = executor;
        this.out.setOnReadyHandler(this::wake);
        this.out.setOnCancelHandler(this::closeAll);
    }

    @Override
    public void onNext(WatchRequest request) {
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> create(request.getCreateRequest());
            case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
            case PROGRESS_REQUEST -> control.add(WatchResponse.newBuilder().setHeader(headers.current())
                .setWatchId(-1).build());
            default -> { }
        }
        wake();
    }

    private void create(WatchCreateRequest c) {
        long id = requestedId(c.getUnknownFields());
        WatchSpec spec;
        try {
            if (id >= 0 && watchers.containsKey(id)) {
                throw new IllegalArgumentException("etcdserver: duplicate watch ID provided on the WatchStream");
            }
            spec = new WatchSpec(EtcdCodec.keys(c.getKey(), c.getRangeEnd()), c.getStartRevision(), c.getPrevKv(),
                c.getFiltersValueList().contains(0), c.getFiltersValueList().contains(1), c.getProgressNotify());
        } catch (RuntimeException e) {
            control.add(WatchResponse.newBuilder().setHeader(headers.current()).setWatchId(-1).setCreated(true)
                .setCanceled(true).setCancelReason(e.getMessage()).build());
            return;
        }
        long watchId = id >= 0 ? id : nextFreeId();
        control.add(WatchResponse.newBuilder().setHeader(headers.current()).setWatchId(watchId).setCreated(true)
            .build());
        watchers.put(watchId, hub.watch(spec, this::wake));
    }

    private long nextFreeId() {
        long id;
        do {
            id = nextId.getAndIncrement();
        } while (watchers.containsKey(id));
        return id;
    }

    private static long requestedId(UnknownFieldSet unknown) {
        UnknownFieldSet.Field f = unknown.getField(WATCH_ID_FIELD);
        return f == null || f.getVarintList().isEmpty() || f.getVarintList().get(0) == 0 ? -1 : f.getVarintList().get(0);
    }

    private void cancel(long watchId) {
        Watcher w = watchers.remove(watchId);
        if (w != null) {
            hub.cancel(w);
            control.add(WatchResponse.newBuilder().setHeader(headers.current()).setWatchId(watchId).setCanceled(true)
                .build());
        }
    }

    /**
     * Periodic progress (etcd's {@code progress_notify}): each watcher that asked for it and has
     * nothing queued and nothing to catch up is told the current revision (an empty response).
     */
    void notifyProgress() {
        for (Map.Entry<Long, Watcher> e : watchers.entrySet()) {
            Watcher w = e.getValue();
            if (w.spec().progressNotify() && w.synced() && !w.hasQueued()) {
                control.add(WatchResponse.newBuilder().setHeader(headers.current()).setWatchId(e.getKey()).build());
            }
        }
        wake();
    }

    boolean done() {
        return done;
    }

    private void wake() {
        if (!done && scheduled.compareAndSet(false, true)) {
            executor.execute(this::pump);
        }
    }

    private void pump() {
        synchronized (sendLock) {
            try {
                while (!done && out.isReady()) {
                    WatchResponse r = control.poll();
                    if (r == null) {
                        r = nextEvents();
                    }
                    if (r == null) {
                        break;
                    }
                    out.onNext(r);
                }
            } catch (RuntimeException e) {
                closeAll();
            }
        }
        scheduled.set(false);
        if (!done && out.isReady() && (!control.isEmpty() || watchers.values().stream().anyMatch(Watcher::hasQueued))) {
            wake();
        }
    }

    private WatchResponse nextEvents() {
        for (Map.Entry<Long, Watcher> e : watchers.entrySet()) {
            Watcher w = e.getValue();
            if (w.compactedAt().isPresent()) {
                watchers.remove(e.getKey());
                hub.cancel(w);
                return WatchResponse.newBuilder().setHeader(headers.current()).setWatchId(e.getKey())
                    .setCanceled(true).setCompactRevision(w.compactedAt().getAsLong())
                    .setCancelReason("mvcc: required revision has been compacted").build();
            }
            List<ChangeEvent> events = w.take(EVENTS_PER_RESPONSE);
            if (!events.isEmpty()) {
                WatchResponse.Builder b = WatchResponse.newBuilder()
                    .setHeader(headers.at(events.get(events.size() - 1).revision())).setWatchId(e.getKey());
                for (ChangeEvent ev : events) {
                    b.addEvents(EtcdCodec.event(ev, w.spec().prevKv()));
                }
                return b.build();
            }
        }
        return null;
    }

    @Override
    public void onError(Throwable t) {
        closeAll();
    }

    @Override
    public void onCompleted() {
        closeAll();
        synchronized (sendLock) {
            try {
                out.onCompleted();
            } catch (RuntimeException ignored) {
                // the call is already closed
            }
        }
    }

    private void closeAll() {
        done = true;
        watchers.values().forEach(hub::cancel);
        watchers.clear();
    }
}
