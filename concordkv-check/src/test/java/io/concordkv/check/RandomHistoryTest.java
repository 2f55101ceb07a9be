package io.concordkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Randomized histories from real sequential executions. The base seed is printed and can be
 * fixed with {@code -Dconcordkv.check.seed=...} to replay a failure.
 */
class RandomHistoryTest {
    private static final long BASE_SEED = Long.getLong("concordkv.check.seed", System.nanoTime());
    private final LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofSeconds(20));

    @RepeatedTest(30)
    void executionHistoriesAreLinearizable(RepetitionInfo repetition) {
        long seed = BASE_SEED + repetition.getCurrentRepetition();
        System.out.println("RandomHistoryTest seed " + seed);
        List<Operation> history = new RandomHistories(seed, 3, 4).generate(400, 8);
        CheckResult result = checker.check(history);
        assertThat(result.status()).as("seed %d: %s", seed, result).isEqualTo(CheckResult.Status.OK);
    }

    @RepeatedTest(30)
    void aReadOfANeverWrittenValueIsCaught(RepetitionInfo repetition) {
        long seed = BASE_SEED + 1_000 + repetition.getCurrentRepetition();
        System.out.println("RandomHistoryTest seed " + seed);
        RandomHistories histories = new RandomHistories(seed, 3, 4);
        List<Operation> history = new ArrayList<>(histories.generate(400, 8));
        Operation read = histories.pickRead(history);
        history.set(history.indexOf(read), Operation.ok(read.clientId(), read.op(), read.invokeTime(),
                read.returnTime(), Output.read("never-written")));
        CheckResult result = checker.check(history);
        assertThat(result.status()).as("seed %d: %s", seed, result).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
        assertThat(result.key()).as("seed %d", seed).contains(read.key());
    }

    @Test
    void tenThousandOperationsOfTwentyClientsCheckQuickly() {
        long seed = BASE_SEED;
        System.out.println("RandomHistoryTest seed " + seed);
        List<Operation> history = new RandomHistories(seed, 50, 10).generate(10_000, 20);
        long start = System.nanoTime();
        CheckResult result = checker.check(history);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("10,000 operations checked in " + millis + " ms: " + result);
        assertThat(result.status()).as("seed %d: %s", seed, result).isEqualTo(CheckResult.Status.OK);
    }
}
