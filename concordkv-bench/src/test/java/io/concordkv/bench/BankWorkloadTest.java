package io.concordkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.storage.FsyncPolicy;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.HistoryChecker;
import io.concordkv.txn.Isolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bank workload, briefly, at each level and mode with heavy contention (4 threads, 10
 * accounts): the total never changes under REPEATABLE_READ and SERIALIZABLE, and under
 * SERIALIZABLE no joint pair goes below 0; and every recorded transaction passes the
 * {@link HistoryChecker} for its level.
 */
class BankWorkloadTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"READ_COMMITTED, OPTIMISTIC", "READ_COMMITTED, PESSIMISTIC", "REPEATABLE_READ, OPTIMISTIC",
        "REPEATABLE_READ, PESSIMISTIC", "SERIALIZABLE, OPTIMISTIC", "SERIALIZABLE, PESSIMISTIC"})
    void invariantsHoldWhereTheLevelPromisesThem(Isolation level, ConcurrencyMode mode) throws Exception {
        long seed = System.nanoTime();
        HistoryChecker history = new HistoryChecker();
        Map<String, Object> row = BankWorkload.run(new BankWorkload.Config("rbtree", FsyncPolicy.NEVER, level, mode,
            10, 4, Duration.ofMillis(700), seed), dir, t -> {
                synchronized (history) {
                    history.add(new HistoryChecker.Committed(t.id(), t.startRevision(), t.commitRevision(),
                        t.operations()));
                }
            });
        System.out.println("BankWorkloadTest " + row);
        boolean snapshot = level == Isolation.REPEATABLE_READ
            || level == Isolation.SERIALIZABLE && mode == ConcurrencyMode.OPTIMISTIC;
        assertThat(history.check(level, snapshot)).as("the recorded history, seed " + seed).isEmpty();
        assertThat((long) row.get("commits")).as("seed " + seed).isPositive();
        if (level != Isolation.READ_COMMITTED) {
            assertThat(row.get("total_ok")).as("total under " + level + " " + mode + " seed " + seed).isEqualTo(true);
        }
        if (level == Isolation.SERIALIZABLE) {
            assertThat(row.get("invariant_ok")).as("write-skew constraint, seed " + seed).isEqualTo(true);
        }
    }
}
