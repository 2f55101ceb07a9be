package io.concordkv.raft.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The linearizable reads waiting for this member's next ReadIndex request, and when that request
 * may go: one at a time, as etcd's read loop does. Reads that arrive while a request is in flight
 * wait for its answer and then go together in the next one. On a follower every request is a
 * message to the leader and one back, so a request per pass of the raft loop (a read or two each
 * under load) cost more in messages than the reads themselves.
 *
 * <p>A read wakes the raft loop only when a request may go and no wake-up is pending; while one is
 * in flight, reads just queue (the answer's arrival wakes the loop). A request unanswered for
 * {@code patienceNanos} (its message lost, say) no longer holds the next one back; its reads end by
 * their own timeout.
 *
 * <p>{@link #add} is called from any thread; the rest only from the raft loop's thread.
 */
final class ReadQueue {
    private final long patienceNanos;
    private final Queue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();
    /** Whether a request may go now: a new read then wakes the loop. */
    private volatile boolean open = true;
    /** Whether a wake-up is pending (set by the read that asked for it, cleared by {@link #take}). */
    private final AtomicBoolean wakeAsked = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    /** The context of the request in flight, 0 for none. */
    private long inFlight;
    private long sentAt;

    ReadQueue(long patienceNanos) {
        this.patienceNanos = patienceNanos;
    }

    /** Queues {@code read}; returns whether the caller must wake the raft loop. */
    boolean add(CompletableFuture<Void> read) {
        waiting.add(read); // before reading the flag: take() sets it before draining, so one of us sees the other
        return open && wakeAsked.compareAndSet(false, true);
    }

    /**
     * The reads to send in a request now (empty if none waits, or a request is in flight and still
     * within its patience at {@code now}, System.nanoTime).
     */
    List<CompletableFuture<Void>> take(long now) {
        boolean mayGo = inFlight == 0 || now - sentAt > patienceNanos;
        open = mayGo;
        wakeAsked.set(false);
        if (!mayGo || waiting.isEmpty()) {
            return List.of(); // most passes of the loop: nothing to allocate
        }
        List<CompletableFuture<Void>> out = new ArrayList<>();
        for (CompletableFuture<Void> f; (f = waiting.poll()) != null; ) {
            out.add(f);
        }
        return out;
    }

    /** Queues again the reads of a request that was dropped (those not already ended by their timeout). */
    void requeue(List<CompletableFuture<Void>> reads) {
        for (CompletableFuture<Void> f : reads) {
            if (!f.isDone()) {
                waiting.add(f);
            }
        }
    }

    /** Records the request with {@code context} sent at {@code now}. */
    void sent(long context, long now) {
        inFlight = context;
        sentAt = now;
        open = false;
        requests.incrementAndGet();
    }

    /** Records the answer (or the drop) of the request with {@code context}. */
    void answered(long context) {
        if (context != inFlight) {
            return;
        }
        inFlight = 0;
        open = true;
    }

    /** Whether reads wait and a request may go: the raft loop should not sleep. */
    boolean ready() {
        return inFlight == 0 && !waiting.isEmpty();
    }

    /** Requests sent so far. */
    long requests() {
        return requests.get();
    }
}
