package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PublicationWaitersTest {

    @Test
    void aWaiterCompletesOnceItsRevisionIsPublishedAndNotBefore() {
        AtomicLong published = new AtomicLong(5);
        PublicationWaiters waiters = new PublicationWaiters(published);
        assertThat(waiters.whenPublished(5)).isCompleted();
        CompletableFuture<Void> seven = waiters.whenPublished(7);
        published.set(6);
        waiters.completePublished();
        assertThat(seven).isNotDone();
        published.set(7);
        waiters.completePublished();
        assertThat(seven).isCompleted();
        assertThat(waiters.isEmpty()).isTrue();
    }

    @Test
    void failAllFailsEveryWaiter() {
        PublicationWaiters waiters = new PublicationWaiters(new AtomicLong());
        CompletableFuture<Void> one = waiters.whenPublished(1);
        CompletableFuture<Void> two = waiters.whenPublished(2);
        waiters.failAll(new KvException(ErrorCode.IO_ERROR, "disk gone"));
        assertThat(one).isCompletedExceptionally();
        assertThat(two).isCompletedExceptionally();
    }

    /**
     * Regression: two publishers completing waiters at once used to race between isEmpty() and
     * firstKey() (NoSuchElementException out of a commit's callback, which turned the store
     * read-only in the bank benchmark), and could complete a waiter of a revision not yet published.
     */
    @Test
    void concurrentPublishersCompleteEveryWaiterOnceAndNeverEarly() throws Exception {
        AtomicLong published = new AtomicLong();
        PublicationWaiters waiters = new PublicationWaiters(published);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong next = new AtomicLong();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                tasks.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50_000_000 && System.nanoTime() < until && failures.isEmpty(); i++) {
                        published.accumulateAndGet(next.incrementAndGet(), Math::max);
                        try {
                            waiters.completePublished();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                    return null;
                }));
            }
            for (int w = 0; w < 2; w++) {
                tasks.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50_000_000 && System.nanoTime() < until && failures.isEmpty(); i++) {
                        long revision = published.get() + 1 + (i % 2);
                        CompletableFuture<Void> f = waiters.whenPublished(revision);
                        if (i % 64 == 0) {
                            all.add(f);
                        }
                        f.thenRun(() -> {
                            if (published.get() < revision) {
                                failures.add(new AssertionError("revision " + revision + " completed at "
                                    + published.get()));
                            }
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> t : tasks) {
                t.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        published.accumulateAndGet(next.get() + 3, Math::max);
        waiters.completePublished();
        assertThat(failures).isEmpty();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(waiters.isEmpty()).isTrue();
    }
}
