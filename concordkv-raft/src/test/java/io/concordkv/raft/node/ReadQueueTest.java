package io.concordkv.raft.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReadQueueTest {
    private static final long PATIENCE = 1_000;

    private static CompletableFuture<Void> read() {
        return new CompletableFuture<>();
    }

    @Test
    void readsQueuedWhileARequestIsInFlightGoTogetherOnceItIsAnswered() {
        ReadQueue q = new ReadQueue(PATIENCE);
        CompletableFuture<Void> first = read();
        assertThat(q.add(first)).as("the first read wakes the loop").isTrue();
        assertThat(q.take(0)).containsExactly(first);
        q.sent(1, 0);
        CompletableFuture<Void> second = read();
        CompletableFuture<Void> third = read();
        assertThat(q.add(second)).as("no wake-up while request 1 is in flight").isFalse();
        assertThat(q.add(third)).isFalse();
        assertThat(q.ready()).isFalse();
        assertThat(q.take(10)).isEmpty();
        q.answered(1);
        assertThat(q.ready()).as("answered, and reads wait").isTrue();
        assertThat(q.take(20)).containsExactly(second, third);
        assertThat(q.requests()).isEqualTo(1);
    }

    @Test
    void onlyOneWakeUpIsAskedForUntilTheLoopTakes() {
        ReadQueue q = new ReadQueue(PATIENCE);
        assertThat(q.add(read())).isTrue();
        assertThat(q.add(read())).as("a wake-up is already pending").isFalse();
        assertThat(q.take(0)).hasSize(2);
        assertThat(q.add(read())).as("taken: the next read asks again").isTrue();
    }

    /** A queue whose first read went in request {@code context} at {@code now}. */
    private static ReadQueue withRequestInFlight(long context, long now) {
        ReadQueue q = new ReadQueue(PATIENCE);
        q.add(read());
        q.take(now);
        q.sent(context, now);
        return q;
    }

    @Test
    void anAnswerToAnOlderRequestDoesNotOpenTheQueue() {
        ReadQueue q = withRequestInFlight(2, 0);
        q.add(read());
        q.answered(1);
        assertThat(q.ready()).isFalse();
        assertThat(q.take(10)).isEmpty();
    }

    @Test
    void anUnansweredRequestHoldsTheNextBackOnlyForThePatience() {
        ReadQueue q = withRequestInFlight(1, 100);
        CompletableFuture<Void> late = read();
        q.add(late);
        assertThat(q.take(100 + PATIENCE)).isEmpty();
        assertThat(q.take(101 + PATIENCE)).containsExactly(late);
    }
}
