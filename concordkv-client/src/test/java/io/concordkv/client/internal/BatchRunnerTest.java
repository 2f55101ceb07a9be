package io.concordkv.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BatchRunnerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final BatchRunner runner = new BatchRunner(scheduler);
    private final List<CompletableFuture<String>> sent = new ArrayList<>();

    private CompletableFuture<List<String>> start(int n, Duration timeout) {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(i);
        }
        return runner.run(items, timeout, i -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            sent.add(f);
            return f;
        });
    }

    private static KvException failure(CompletableFuture<?> f) {
        try {
            f.get();
        } catch (ExecutionException e) {
            return (KvException) e.getCause();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("future did not fail");
    }

    @Test
    void everyOperationIsSentAtOnceAndResultsComeInRequestOrder() {
        CompletableFuture<List<String>> batch = start(5, Duration.ofSeconds(1));
        assertThat(sent).as("all sent before any answer").hasSize(5);
        for (int i = 4; i >= 0; i--) {
            assertThat(batch).isNotDone();
            sent.get(i).complete("r" + i);
        }
        assertThat(batch).isCompletedWithValue(List.of("r0", "r1", "r2", "r3", "r4"));
        assertThat(scheduler.pending()).as("timeout timer cancelled").isZero();
    }

    @Test
    void theOverallTimeoutFailsTheBatchWhenAnOperationIsLate() {
        CompletableFuture<List<String>> batch = start(3, Duration.ofMillis(500));
        sent.get(0).complete("a");
        sent.get(2).complete("c");
        scheduler.advance(Duration.ofMillis(499));
        assertThat(batch).isNotDone();
        scheduler.advance(Duration.ofMillis(1));
        KvException e = failure(batch);
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.getMessage()).contains("2 answered");
        sent.get(1).complete("b");
        assertThat(failure(batch).code()).isEqualTo(ErrorCode.TIMEOUT);
    }

    @Test
    void theBatchFailsWithTheFirstFailureByPosition() {
        CompletableFuture<List<String>> batch = start(3, Duration.ofSeconds(1));
        sent.get(2).completeExceptionally(Status.UNAVAILABLE.asRuntimeException());
        sent.get(0).complete("a");
        assertThat(batch).isNotDone();
        sent.get(1).completeExceptionally(new KvException(ErrorCode.COMPACTED, "old"));
        assertThat(failure(batch).code()).isEqualTo(ErrorCode.COMPACTED);
    }

    @Test
    void anEmptyBatchCompletesAtOnce() {
        assertThat(start(0, Duration.ofMillis(1))).isCompletedWithValue(List.of());
    }
}
