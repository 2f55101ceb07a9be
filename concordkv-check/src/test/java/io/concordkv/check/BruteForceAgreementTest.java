package io.concordkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The checker against linearizability's definition, on small random one-key histories whose
 * outputs are random (so many are not linearizable): try every order that respects real time,
 * each UNKNOWN operation either somewhere after its invoke or nowhere, and see whether a register
 * allows one. The base seed is printed; {@code -Dconcordkv.check.seed=...} replays it.
 */
class BruteForceAgreementTest {
    private static final long BASE_SEED = Long.getLong("concordkv.check.seed", System.nanoTime());
    private final LinearizabilityChecker checker = new LinearizabilityChecker(Duration.ofSeconds(10));

    @RepeatedTest(300)
    void checkerAgreesWithExhaustiveSearch(RepetitionInfo repetition) {
        long seed = BASE_SEED + repetition.getCurrentRepetition();
        Random random = new Random(seed);
        List<Operation> history = new ArrayList<>();
        int size = 1 + random.nextInt(8);
        for (int i = 0; i < size; i++) {
            history.add(randomOperation(random, i));
        }
        boolean expected = linearizable(history, new boolean[size], Optional.empty());
        CheckResult result = checker.check(history);
        assertThat(result.status())
                .as("seed %d, history %s: %s", seed, history, result)
                .isEqualTo(expected ? CheckResult.Status.OK : CheckResult.Status.NOT_LINEARIZABLE);
    }

    private static Operation randomOperation(Random random, int client) {
        long invoke = random.nextInt(10);
        long ret = invoke + random.nextInt(6);
        Optional<String> someValue = random.nextInt(4) == 0 ? Optional.empty() : Optional.of("v" + random.nextInt(3));
        String newValue = "v" + random.nextInt(3);
        KvOp op = switch (random.nextInt(4)) {
            case 0 -> KvOp.get("k");
            case 1 -> KvOp.put("k", newValue);
            case 2 -> KvOp.delete("k");
            default -> KvOp.cas("k", someValue, newValue);
        };
        int fate = random.nextInt(10);
        if (fate == 0) {
            return Operation.failed(client, op, invoke, ret);
        }
        if (fate <= 2) {
            return Operation.unknown(client, op, invoke);
        }
        Output output = switch (op.kind()) {
            case GET -> Output.read(someValue);
            case PUT, DELETE -> Output.ack();
            case CAS -> Output.swap(random.nextBoolean());
        };
        return Operation.ok(client, op, invoke, ret, output);
    }

    /** Whether the operations not yet {@code done} can follow, from {@code state}. */
    private static boolean linearizable(List<Operation> ops, boolean[] done, Optional<String> state) {
        boolean allDone = true;
        for (int i = 0; i < ops.size(); i++) {
            allDone &= done[i] || ops.get(i).outcome() != Outcome.OK;
        }
        if (allDone) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            if (done[i] || op.outcome() == Outcome.FAILED || !minimal(ops, done, op)) {
                continue;
            }
            Optional<Optional<String>> after = step(op, state);
            if (after.isPresent()) {
                done[i] = true;
                boolean found = linearizable(ops, done, after.get());
                done[i] = false;
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether no operation still to place returned before {@code op} was invoked. */
    private static boolean minimal(List<Operation> ops, boolean[] done, Operation op) {
        for (int j = 0; j < ops.size(); j++) {
            Operation other = ops.get(j);
            if (!done[j] && other.outcome() == Outcome.OK && other.returnTime() < op.invokeTime()) {
                return false;
            }
        }
        return true;
    }

    /** The register's state after {@code op}, or empty if it cannot happen in {@code state}. */
    private static Optional<Optional<String>> step(Operation op, Optional<String> state) {
        KvOp kv = op.op();
        boolean known = op.outcome() == Outcome.OK;
        return switch (kv.kind()) {
            case GET -> !known || ((Output.Read) op.output().get()).value().equals(state)
                    ? Optional.of(state) : Optional.empty();
            case PUT -> Optional.of(kv.value());
            case DELETE -> Optional.of(Optional.empty());
            case CAS -> {
                boolean matches = state.equals(kv.expected());
                if (known && matches != ((Output.Swap) op.output().get()).succeeded()) {
                    yield Optional.empty();
                }
                yield Optional.of(matches ? kv.value() : state);
            }
        };
    }
}
