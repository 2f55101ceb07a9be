package io.concordkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Histories that are exponential for a plain Wing-Gong-Lowe search, one per reduction that makes
 * them cheap; each ends in a violation, so the search has to exhaust everything before it. A
 * reduction that stopped working would show as UNKNOWN (time out) instead of NOT_LINEARIZABLE.
 */
class SearchReductionTest {
    private static final int WIDE = 40;
    private final LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofSeconds(10));

    @Test
    void concurrentReadsAreNotPermuted() {
        HistoryBuilder builder = new HistoryBuilder().put(0, "k", "a", 0, 1);
        for (int i = 0; i < WIDE; i++) {
            builder.get(i + 1, "k", "a", 10, 100);
            builder.cas(i + 1, "k", "zz", "b", false, 10, 100);
        }
        builder.get(0, "k", "never-written", 200, 300);
        assertNotLinearizable(builder.build());
    }

    @Test
    void unknownWritesThatWereReadMustPrecedeTheirReaders() {
        HistoryBuilder builder = new HistoryBuilder();
        for (int i = 0; i < WIDE; i++) {
            builder.unknownPut(i, "k", "v" + i, 10L * i);
            builder.get(WIDE, "k", "v" + i, 10L * i + 5, 10L * i + 6);
        }
        builder.get(WIDE, "k", "v0", 10_000, 10_001);
        assertNotLinearizable(builder.build());
    }

    @Test
    void unknownWritesNobodyReadIsAreTwins() {
        // The refused CAS at the end keeps the writes from being dropped outright: each could be
        // what made it fail. As nobody reads their values they are interchangeable.
        HistoryBuilder builder = new HistoryBuilder().put(0, "k", "a", 0, 1);
        for (int i = 0; i < WIDE; i++) {
            builder.unknownPut(i + 1, "k", "lost-" + i, 2 + i);
        }
        builder.cas(0, "k", "a", "b", false, 1_000, 1_001)
                .get(0, "k", "never-written", 2_000, 2_001);
        assertNotLinearizable(builder.build());
    }

    @Test
    void unknownCasExpectingAValueNobodyWritesNeverSwaps() {
        HistoryBuilder builder = new HistoryBuilder().put(0, "k", "a", 0, 1);
        for (int i = 0; i < WIDE; i++) {
            builder.unknownCas(i + 1, "k", "ghost-" + i, "b" + i, 2 + i);
            builder.get(0, "k", "b" + i, 0, 100_000);
        }
        assertNotLinearizable(builder.build());
    }

    @Test
    void unknownWritesStillTakeEffectWhereTheyMust() {
        HistoryBuilder builder = new HistoryBuilder().put(0, "k", "a", 0, 1);
        for (int i = 0; i < WIDE; i++) {
            builder.unknownPut(i + 1, "k", "lost-" + i, 2 + i);
        }
        builder.unknownPut(99, "k", "seen", 2)
                .cas(0, "k", "a", "b", false, 1_000, 1_001)
                .get(0, "k", "seen", 2_000, 2_001);
        CheckResult result = checker.check(builder.build());
        assertThat(result.status()).as(result.toString()).isEqualTo(CheckResult.Status.OK);
    }

    private void assertNotLinearizable(List<Operation> history) {
        CheckResult result = checker.check(history);
        assertThat(result.status()).as(result.toString()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }
}
