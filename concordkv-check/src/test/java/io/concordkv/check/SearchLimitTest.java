package io.concordkv.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SearchLimitTest {

    /**
     * Thirty fully concurrent writes of distinct values, then a read of a value nobody wrote:
     * before giving up the search must try every subset of the writes, some 2^30 states.
     */
    private static List<Operation> pathological() {
        HistoryBuilder builder = new HistoryBuilder();
        for (int i = 0; i < 30; i++) {
            builder.put(i, "k", "v" + i, 0, 100);
        }
        return builder.get(99, "k", "never-written", 200, 300).build();
    }

    @Test
    void pathologicalHistoryWithATinyLimitIsUnknown() {
        CheckResult result = new LinearizabilityChecker(Duration.ofMillis(20)).check(pathological());
        assertThat(result.status()).isEqualTo(CheckResult.Status.UNKNOWN);
        assertThat(result.key()).contains("k");
        assertThat(result.explanation()).contains("time limit of PT0.02S ran out");
    }

    @Test
    void limitIsMeasuredWithTheInjectedClock() {
        AtomicLong nanos = new AtomicLong();
        LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofMillis(5),
                () -> nanos.addAndGet(1_000_000));
        assertThat(checker.check(pathological()).status()).isEqualTo(CheckResult.Status.UNKNOWN);
    }

    @Test
    void zeroLimitIsNeverOk() {
        List<Operation> trivial = new HistoryBuilder().put(1, "k", "a", 0, 1).build();
        CheckResult result = new LinearizabilityChecker(Duration.ZERO).check(trivial);
        assertThat(result.status()).isEqualTo(CheckResult.Status.UNKNOWN);
    }

    @Test
    void laterKeysAreNotReportedOkAfterTheLimit() {
        AtomicLong nanos = new AtomicLong();
        LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofNanos(10), nanos::get);
        List<Operation> history = new HistoryBuilder()
                .put(1, "a", "1", 0, 1)
                .put(1, "b", "1", 0, 1)
                .build();
        nanos.set(0);
        CheckResult first = checker.check(history);
        assertThat(first.status()).isEqualTo(CheckResult.Status.OK);

        LinearizabilityChecker slow = new LinearizabilityChecker(Duration.ofNanos(10),
                () -> nanos.getAndAdd(6));
        CheckResult second = slow.check(history);
        assertThat(second.status()).isEqualTo(CheckResult.Status.UNKNOWN);
        assertThat(second.key()).contains("b");
    }

    @Test
    void searchOutgrowingItsMemoryBudgetIsUnknown() {
        CheckResult result = new LinearizabilityChecker(Duration.ofMinutes(10), System::nanoTime, 1 << 20)
                .check(pathological());
        assertThat(result.status()).isEqualTo(CheckResult.Status.UNKNOWN);
        assertThat(result.explanation()).contains("outgrew its memory budget of 1 MiB");
    }

    @Test
    void negativeLimitIsRejected() {
        assertThatThrownBy(() -> new LinearizabilityChecker(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
