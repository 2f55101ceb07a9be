package io.concordkv.server.http;

import io.concordkv.server.watch.WatchHub;
import io.concordkv.server.watch.WatchSpec;
import io.concordkv.server.watch.Watcher;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.ChangeEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/watch} as Server-Sent Events (written here, no {@code Accept} header needed).
 * Each stream holds its request thread: it waits for
 * the watcher's wake signal (the hub only releases a permit, never blocks), takes whole revisions
 * from the watcher's bounded queue and writes one {@code data:} line per event. A comment line goes
 * out after every idle {@code heartbeat}: that is how a client that went away is noticed (the
 * write fails), and then its watcher is cancelled. A watcher cancelled for compaction gets one
 * {@code event: compacted} and the stream ends. Thread-safe.
 */
final class SseWatch implements AutoCloseable {
    /** Events taken from a watcher per round, whole revisions kept together. */
    private static final int EVENTS_PER_ROUND = 1_000;

    private final WatchHub hub;
    private final Duration heartbeat;
    private final Set<Semaphore> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    SseWatch(WatchHub hub, Duration heartbeat) {
        this.hub = hub;
        this.heartbeat = heartbeat;
    }

    /** The spec a watch request asks for; validated before the stream opens. */
    static WatchSpec spec(Context ctx) {
        ScanRange keys = RestParams.range(ctx);
        long start = RestParams.number(ctx, "start_revision", 0);
        return new WatchSpec(keys, start, RestParams.flag(ctx, "prev_kv"), RestParams.flag(ctx, "no_put"),
            RestParams.flag(ctx, "no_delete"), false);
    }

    /**
     * Answers {@code GET /v1/watch}: validates the request (a bad one gets a JSON error, nothing
     * is streamed), then streams events until the client goes away or the server closes.
     */
    void handle(Context ctx) {
        WatchSpec spec = spec(ctx);
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        try {
            stream(ctx.res().getOutputStream(), spec);
        } catch (IOException e) {
            // the client went away; its watcher is cancelled already
        }
    }

    private void stream(OutputStream out, WatchSpec spec) throws IOException {
        Semaphore wake = new Semaphore(0);
        streams.add(wake);
        Watcher w = hub.watch(spec, wake::release);
        try {
            send(out, ": watching\n\n");
            while (!closed) {
                OptionalLong compacted = w.compactedAt();
                if (compacted.isPresent()) {
                    send(out, "event: compacted\ndata: "
                        + RestJson.write(Map.of("compact_revision", compacted.getAsLong())) + "\n\n");
                    return;
                }
                List<ChangeEvent> events = w.take(EVENTS_PER_ROUND);
                if (!events.isEmpty()) {
                    StringBuilder b = new StringBuilder();
                    for (ChangeEvent e : events) {
                        b.append("data: ").append(RestJson.write(RestJson.event(e, spec.prevKv()))).append("\n\n");
                    }
                    send(out, b.toString());
                } else if (!wake.tryAcquire(heartbeat.toMillis(), TimeUnit.MILLISECONDS)) {
                    send(out, ": heartbeat\n\n");
                }
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hub.cancel(w);
            streams.remove(wake);
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends every open stream. */
    @Override
    public void close() {
        closed = true;
        streams.forEach(Semaphore::release);
    }
}
