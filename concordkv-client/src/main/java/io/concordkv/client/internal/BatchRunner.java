package io.concordkv.client.internal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends a list of operations at once and gathers their results in list order, under one overall
 * timeout. The batch fails with the error of the first failed operation by position, once every
 * operation has answered; or with {@link ErrorCode#TIMEOUT} when the timeout passes first
 * (operations already sent are not called back: the batch is not atomic).
 *
 * <p>Stateless apart from its scheduler; thread-safe.
 */
public final class BatchRunner {
    private final DelayScheduler scheduler;

    public BatchRunner(DelayScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code exec} on every item at once; results in the order of {@code items}. */
    public <I, R> CompletableFuture<List<R>> run(List<I> items, Duration timeout,
                                                 Function<I, CompletableFuture<? extends R>> exec) {
        CompletableFuture<List<R>> result = new CompletableFuture<>();
        if (items.isEmpty()) {
            result.complete(List.of());
            return result;
        }
        List<CompletableFuture<? extends R>> futures = new ArrayList<>(items.size());
        AtomicInteger answered = new AtomicInteger();
        DelayScheduler.Cancellable timer = scheduler.schedule(timeout, () -> result.completeExceptionally(
            new KvException(ErrorCode.TIMEOUT, "batch of " + items.size() + " timed out after " + timeout
                + " with " + answered.get() + " answered")));
        for (I item : items) {
            CompletableFuture<? extends R> f;
            try {
                f = exec.apply(item);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((v, e) -> answered.incrementAndGet());
            futures.add(f);
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            timer.cancel();
            gather(futures, result);
        });
        return result;
    }

    private static <R> void gather(List<CompletableFuture<? extends R>> futures, CompletableFuture<List<R>> result) {
        List<R> out = new ArrayList<>(futures.size());
        for (CompletableFuture<? extends R> f : futures) {
            if (f.isCompletedExceptionally()) {
                f.whenComplete((v, e) -> result.completeExceptionally(GrpcErrors.toKvException(e)));
                return;
            }
            out.add(f.join());
        }
        result.complete(List.copyOf(out));
    }
}
