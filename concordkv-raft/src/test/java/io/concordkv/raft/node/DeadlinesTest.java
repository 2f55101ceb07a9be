package io.concordkv.raft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    private static final Function<String, KvException> TIMEOUT = DeadlinesTest::timeout;

    private static KvException timeout(String what) {
        return new KvException(ErrorCode.TIMEOUT, what + " timed out");
    }

    @Test
    void onlyRequestsStillPendingPastTheirDeadlineFailAndTheirTimeoutActionRuns() {
        Deadlines deadlines = new Deadlines(Duration.ofSeconds(1));
        long added = System.nanoTime();
        CompletableFuture<String> answered = deadlines.add(new CompletableFuture<>(), () -> { }, "answered");
        List<String> timedOut = new ArrayList<>();
        CompletableFuture<String> pending = deadlines.add(new CompletableFuture<>(), () -> timedOut.add("pending"), "pending");
        answered.complete("ok");

        deadlines.expire(added, TIMEOUT);
        assertThat(pending).isNotDone();
        assertThat(deadlines.size()).as("the answered head is dropped").isEqualTo(1);

        deadlines.expire(System.nanoTime() + Duration.ofSeconds(2).toNanos(), TIMEOUT);
        assertThat(answered).isCompletedWithValue("ok");
        assertThat(pending).isCompletedExceptionally();
        assertThat(pending.handle((v, e) -> ((KvException) e).getMessage()).join()).isEqualTo("pending timed out");
        assertThat(timedOut).containsExactly("pending");
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void aPendingHeadHoldsLaterAnsweredRequestsUntilItIsAnswered() {
        Deadlines deadlines = new Deadlines(Duration.ofSeconds(1));
        CompletableFuture<String> head = deadlines.add(new CompletableFuture<>(), () -> { }, "head");
        for (int i = 0; i < 10; i++) {
            deadlines.add(CompletableFuture.completedFuture("x"), () -> { }, "answered");
        }
        deadlines.expire(System.nanoTime(), TIMEOUT);
        assertThat(deadlines.size()).isEqualTo(11);
        head.complete("late but in time");
        deadlines.expire(System.nanoTime(), TIMEOUT);
        assertThat(deadlines.size()).isZero();
        assertThat(head).isCompletedWithValue("late but in time");
    }

    @Test
    void failAllFailsEveryPendingRequest() {
        Deadlines deadlines = new Deadlines(Duration.ofHours(1));
        CompletableFuture<String> a = deadlines.add(new CompletableFuture<>(), () -> { }, "a");
        CompletableFuture<String> b = deadlines.add(CompletableFuture.completedFuture("done"), () -> { }, "b");
        deadlines.failAll(new KvException(ErrorCode.UNAVAILABLE, "member stopped"));
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedWithValue("done");
        assertThat(deadlines.size()).isZero();
    }
}
