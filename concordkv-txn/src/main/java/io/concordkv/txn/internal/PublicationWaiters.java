package io.concordkv.txn.internal;

import io.concordkv.api.KvException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Futures waiting for a revision to be published, by revision. Any thread may wait, and any number
 * of threads may publish at once (commits finish on the threads that led their group commits):
 * a waiter is completed only once the published revision has reached its own, and exactly once.
 * Thread-safe.
 */
final class PublicationWaiters {
    private final AtomicLong published;
    private final ConcurrentSkipListMap<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentSkipListMap<>();

    /** @param published the published revision, raised by the caller before {@link #completePublished} */
    PublicationWaiters(AtomicLong published) {
        this.published = published;
    }

    /** Completes once {@code revision} is published (at once if it is). */
    CompletableFuture<Void> whenPublished(long revision) {
        if (published.get() >= revision) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(revision, r -> new CopyOnWriteArrayList<>()).add(f);
        // a publisher may have taken this revision's list just before the add: look again
        if (published.get() >= revision) {
            f.complete(null);
        }
        return f;
    }

    /** Completes the waiters of every revision up to the published one. */
    void completePublished() {
        long now = published.get();
        Map.Entry<Long, List<CompletableFuture<Void>>> first;
        // never isEmpty() then firstKey(): another publisher may take the entry in between
        while ((first = waiting.firstEntry()) != null && first.getKey() <= now) {
            if (waiting.remove(first.getKey(), first.getValue())) {
                first.getValue().forEach(f -> f.complete(null));
            }
        }
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Fails every waiter: the revisions they wait for will never be published. */
    void failAll(KvException error) {
        Map.Entry<Long, List<CompletableFuture<Void>>> first;
        while ((first = waiting.pollFirstEntry()) != null) {
            first.getValue().forEach(f -> f.completeExceptionally(error));
        }
    }
}
