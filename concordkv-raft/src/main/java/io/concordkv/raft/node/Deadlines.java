package io.concordkv.raft.node;

import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The deadlines of the requests waiting on a member: proposals, linearizable reads, membership
 * changes and leadership transfers. They all have the same timeout, so they expire in the order
 * they were added, and one queue holds them: any thread adds, the raft loop {@linkplain #expire
 * expires} at each tick, failing each request still pending past its deadline. This replaces a
 * timer per request ({@code CompletableFuture.orTimeout}): a task scheduled on a shared delay queue
 * under its lock, cancelled the same way once answered, and two more future stages. Requests
 * answered in time are dropped as they reach the head of the queue; one stuck at the head keeps
 * those behind it (answered or not) until it expires or is answered, at most one timeout's worth.
 */
final class Deadlines {
    private record Pending(long deadline, CompletableFuture<?> future, Runnable onTimeout, String what) {
    }

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final long timeoutNanos;

    Deadlines(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Gives {@code f} the timeout from now: if still pending then, {@code onTimeout} runs and
     * {@code f} fails with the error {@link #expire} makes for {@code what}. Returns {@code f}. Any thread.
     */
    <T> CompletableFuture<T> add(CompletableFuture<T> f, Runnable onTimeout, String what) {
        queue.add(new Pending(System.nanoTime() + timeoutNanos, f, onTimeout, what));
        return f;
    }

    /**
     * Fails the requests whose deadline is at or before {@code now} and that are still pending,
     * with {@code error} of what each was; forgets answered ones at the head. One thread at a time.
     */
    void expire(long now, Function<String, KvException> error) {
        Pending p;
        while ((p = queue.peek()) != null && (p.future().isDone() || now - p.deadline() >= 0)) {
            queue.poll();
            if (!p.future().isDone()) {
                p.onTimeout().run();
                p.future().completeExceptionally(error.apply(p.what()));
            }
        }
    }

    /** Fails every request still pending with {@code error}, deadlines or not: the member stops. */
    void failAll(KvException error) {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.future().completeExceptionally(error);
        }
    }

    /** Requests held (answered ones not yet dropped included), for tests. */
    int size() {
        return queue.size();
    }
}
