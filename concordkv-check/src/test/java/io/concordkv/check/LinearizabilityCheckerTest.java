package io.concordkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofSeconds(10));

    @Test
    void emptyHistoryIsLinearizable() {
        assertThat(checker.check(List.of()).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void sequentialHistoryIsLinearizable() {
        List<Operation> history = new HistoryBuilder()
                .getAbsent(1, "k", 0, 1)
                .put(1, "k", "a", 2, 3)
                .get(2, "k", "a", 4, 5)
                .cas(1, "k", "a", "b", true, 6, 7)
                .cas(2, "k", "a", "c", false, 8, 9)
                .get(1, "k", "b", 10, 11)
                .build();
        CheckResult result = checker.check(history);
        assertThat(result.status()).as(result.toString()).isEqualTo(CheckResult.Status.OK);
        assertThat(result.key()).isEmpty();
    }

    @Test
    void concurrentWritesMayTakeEffectInTheOtherOrder() {
        // PUT a is invoked and returns first, yet a later read sees a: PUT b must be linearized
        // before PUT a, inside the overlap of the two.
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 10)
                .put(2, "k", "b", 1, 12)
                .get(3, "k", "a", 11, 20)
                .get(4, "k", "a", 21, 30)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void readMaySeeAWriteInvokedAfterIt() {
        List<Operation> history = new HistoryBuilder()
                .get(1, "k", "v", 0, 10)
                .put(2, "k", "v", 5, 15)
                .getAbsent(3, "k", 1, 3)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void touchingIntervalsAreConcurrent() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 10)
                .getAbsent(2, "k", 10, 20)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void staleReadIsNotLinearizable() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .put(2, "k", "b", 2, 3)
                .get(3, "k", "a", 4, 5)
                .build();
        CheckResult result = checker.check(history);
        assertThat(result.status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
        assertThat(result.key()).contains("k");
        assertThat(result.explanation())
                .contains("Longest linearizable prefix found: 2 operations")
                .contains("#2 client 3 GET k [4, 5] -> \"a\": read \"a\" but the register holds \"b\"");
    }

    @Test
    void readsSeeingNewThenOldValueAreNotLinearizable() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "old", 0, 1)
                .put(2, "k", "new", 2, 100)
                .get(3, "k", "new", 3, 10)
                .get(4, "k", "old", 11, 20)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }

    @Test
    void lostUpdateIsNotLinearizable() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "counter", "0", 0, 1)
                .cas(2, "counter", "0", "1", true, 2, 10)
                .cas(3, "counter", "0", "1", true, 3, 11)
                .build();
        CheckResult result = checker.check(history);
        assertThat(result.status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
        assertThat(result.explanation()).contains("swapped from \"0\" but the register holds \"1\"");
    }

    @Test
    void concurrentIncrementsWhereOneLosesAreLinearizable() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "counter", "0", 0, 1)
                .cas(2, "counter", "0", "1", true, 2, 10)
                .cas(3, "counter", "0", "1", false, 3, 11)
                .cas(3, "counter", "1", "2", true, 12, 13)
                .get(1, "counter", "2", 14, 15)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void counterReadsGoingBackwardsAreNotLinearizable() {
        List<Operation> history = new HistoryBuilder()
                .cas(1, "counter", null, "1", true, 0, 10)
                .cas(1, "counter", "1", "2", true, 11, 50)
                .get(2, "counter", "2", 12, 20)
                .get(3, "counter", "1", 21, 30)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }

    @Test
    void failedWriteWhoseValueIsReadIsNotLinearizable() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .failedPut(2, "k", "b", 2, 3)
                .get(3, "k", "b", 4, 5)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }

    @Test
    void deleteMakesTheKeyAbsent() {
        List<Operation> ok = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .delete(1, "k", 2, 3)
                .getAbsent(2, "k", 4, 5)
                .cas(2, "k", null, "b", true, 6, 7)
                .get(1, "k", "b", 8, 9)
                .delete(2, "k", 10, 11)
                .delete(2, "k", 12, 13)
                .cas(1, "k", "b", "c", false, 14, 15)
                .build();
        assertThat(checker.check(ok).status()).isEqualTo(CheckResult.Status.OK);

        List<Operation> readAfterDelete = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .delete(1, "k", 2, 3)
                .get(2, "k", "a", 4, 5)
                .build();
        assertThat(checker.check(readAfterDelete).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);

        List<Operation> putIfAbsentOverValue = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .cas(2, "k", null, "b", true, 2, 3)
                .build();
        assertThat(checker.check(putIfAbsentOverValue).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }

    @Test
    void onlyTheBrokenKeyIsNamed() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "a", "1", 0, 1)
                .put(2, "b", "1", 0, 1)
                .put(3, "c", "1", 0, 1)
                .put(1, "b", "2", 2, 3)
                .get(2, "a", "1", 4, 5)
                .get(3, "b", "1", 4, 5)
                .get(1, "c", "1", 4, 5)
                .build();
        CheckResult result = checker.check(history);
        assertThat(result.status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
        assertThat(result.key()).contains("b");
        assertThat(result.explanation()).startsWith("key \"b\"");
    }

    @Test
    void keysMayStartWithAValue() {
        List<Operation> history = new HistoryBuilder()
                .get(1, "k", "seeded", 0, 1)
                .build();
        assertThat(checker.check(history, Map.of("k", "seeded")).status()).isEqualTo(CheckResult.Status.OK);
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }
}
