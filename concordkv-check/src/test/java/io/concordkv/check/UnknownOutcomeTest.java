package io.concordkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownOutcomeTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofSeconds(10));

    @Test
    void unknownWriteSeenLaterMustHaveHappened() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .unknownPut(2, "k", "b", 2)
                .get(3, "k", "a", 5, 6)
                .get(3, "k", "b", 100, 101)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void unknownWriteThatNeverAppearsMayNotHaveHappened() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .unknownPut(2, "k", "b", 2)
                .get(3, "k", "a", 100, 101)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void unknownWriteTakesEffectAtMostOnce() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .unknownPut(2, "k", "b", 2)
                .get(3, "k", "b", 10, 11)
                .put(1, "k", "a", 20, 21)
                .get(3, "k", "b", 30, 31)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }

    @Test
    void unknownWriteCannotTakeEffectBeforeItsInvoke() {
        List<Operation> history = new HistoryBuilder()
                .get(3, "k", "b", 0, 1)
                .unknownPut(2, "k", "b", 2)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.NOT_LINEARIZABLE);
    }

    @Test
    void unknownCasMayHaveSwapped() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "0", 0, 1)
                .unknownCas(2, "k", "0", "1", 2)
                .get(3, "k", "0", 10, 11)
                .get(3, "k", "1", 20, 21)
                .cas(1, "k", "1", "2", true, 30, 31)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void unknownGetIsIgnored() {
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .add(Operation.unknown(2, KvOp.get("k"), 2))
                .get(3, "k", "a", 5, 6)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void manyUnobservedUnknownWritesStayCheap() {
        HistoryBuilder builder = new HistoryBuilder().put(0, "k", "start", 0, 1);
        for (int i = 0; i < 200; i++) {
            builder.unknownPut(i + 1, "k", "lost-" + i, 2 + i);
        }
        builder.get(0, "k", "start", 1_000, 1_001);
        CheckResult result = checker.check(builder.build());
        assertThat(result.status()).as(result.toString()).isEqualTo(CheckResult.Status.OK);
    }

    @Test
    void unknownWritesAreKeptWhenAFailedCasCouldDependOnThem() {
        // The failed CAS expecting "a" is only explained by the unknown write of "b" before it.
        List<Operation> history = new HistoryBuilder()
                .put(1, "k", "a", 0, 1)
                .unknownPut(2, "k", "b", 2)
                .cas(3, "k", "a", "c", false, 10, 11)
                .build();
        assertThat(checker.check(history).status()).isEqualTo(CheckResult.Status.OK);
    }
}
